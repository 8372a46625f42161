// Host loops compiled for the vector units the CPU has (the build's baseline is x86-64's SSE2), chosen once
// at load by the dynamic linker. binding.gyp turns contraction into fused multiply-adds off, so every version
// rounds each product and sum alike: a loop gives the same bits whichever version runs, and two loops written
// with the same expression (a plain op and its fused form in a captured step) agree bit for bit.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TL_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TL_VECTOR_CLONES
#endif

#include <cstdint>
#include <cstring>

namespace tl {

// Whether this CPU has AVX-512 (F), checked once.
inline bool cpuHasAvx512() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
#else
  return false;
#endif
}

// GCC's vector types: 16 floats, 16 int32 (comparison results), 8 doubles. The compiler maps them to what the
// clone's target has (one AVX-512 register, two AVX2 ones, four SSE2 ones).
typedef float F16 __attribute__((vector_size(64)));
typedef int32_t I16 __attribute__((vector_size(64)));
typedef float F8 __attribute__((vector_size(32)));
typedef double D8 __attribute__((vector_size(64)));
typedef int64_t L16 __attribute__((vector_size(128)));

#define TL_INLINE inline __attribute__((always_inline))

TL_INLINE F16 loadF16(const float* p) {
  F16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
TL_INLINE void storeF16(float* p, F16 v) { std::memcpy(p, &v, sizeof v); }
// 8 floats widened to doubles.
TL_INLINE D8 loadD8(const float* p) {
  F8 v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, D8);
}
// 16 int64 narrowed to int32 (indices within an image).
TL_INLINE I16 loadI64AsI32(const int64_t* p) {
  L16 v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, I16);
}

}  // namespace tl
