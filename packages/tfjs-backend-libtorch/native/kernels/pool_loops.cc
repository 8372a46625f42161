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

const PoolLoops& poolLoops() {
  static const PoolLoops chosen = [] {
#ifdef TL_X86_TARGETS
    if (cpuHasAvx512()) return PoolLoops{avx512::normReluPoolBand, avx512::poolGradBand};
    if (__builtin_cpu_supports("avx2")) return PoolLoops{avx2::normReluPoolBand, avx2::poolGradBand};
#endif
    return PoolLoops{baseline::normReluPoolBand, baseline::poolGradBand};
  }();
  return chosen;
}

}  // namespace tl
