// pool_loops.inc compiled for AVX-512, AVX2 and the baseline, and the version this CPU runs.
#include "pool_loops.h"

#include <algorithm>
#include <limits>

#include "simd.h"

namespace tl {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TL_X86_TARGETS 1
namespace avx512 {
#pragma GCC push_options
#pragma GCC target("avx512f")
#include "pool_loops.inc"
#pragma GCC pop_options
}  // namespace avx512
namespace avx2 {
#pragma GCC push_options
#pragma GCC target("avx2")
#include "pool_loops.inc"
#pragma GCC pop_options
}  // namespace avx2
#endif
namespace baseline {
#include "pool_loops.inc"
}  // namespace baseline

// 2: AVX-512, 1: AVX2, 0: neither.
static int level() {
#ifdef TL_X86_TARGETS
  static const int l = cpuHasAvx512() ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  return l;
#else
  return 0;
#endif
}

NormReluPoolBand normReluPoolBand() {
#ifdef TL_X86_TARGETS
  if (level() == 2) return avx512::normReluPoolBand;
  if (level() == 1) return avx2::normReluPoolBand;
#endif
  return baseline::normReluPoolBand;
}

PoolGradBand poolGradBand() {
#ifdef TL_X86_TARGETS
  if (level() == 2) return avx512::poolGradBand;
  if (level() == 1) return avx2::poolGradBand;
#endif
  return baseline::poolGradBand;
}

}  // namespace tl
