// The band loops of the pools (pool_loops.inc), in the version for this CPU's vector unit, chosen once.
#pragma once
#include <cstdint>

namespace tl {

using NormReluPoolBand = void (*)(const float* x, int64_t H, int64_t W, int64_t C, int64_t kH, int64_t kW, int64_t Wo,
                                  int64_t n, int64_t oh, const float* scale, const float* shift, float* out,
                                  int64_t* idx);
using PoolGradBand = void (*)(const float* dy, const float* mask, const int64_t* idx, int64_t W, int64_t C, int64_t kH,
                              int64_t kW, int64_t Wo, int64_t oh, int64_t rowEnd, float* image);

struct PoolLoops {
  NormReluPoolBand normReluPool;
  PoolGradBand poolGrad;
};
const PoolLoops& poolLoops();

}  // namespace tl
