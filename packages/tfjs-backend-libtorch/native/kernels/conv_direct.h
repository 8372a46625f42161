// Convolutions with few filter taps per output channel as a direct loop (conv_direct.cc).
#pragma once
#include "conv_gemm.h"

namespace tl {

// Whether this forward convolution runs as the direct loop: C * kh * kw <= 32 and at least 8 output channels,
// float tensors in host memory, not depthwise, the algorithm left to the rule (setConvAlgorithm 'auto').
bool useDirect(const ConvSizes& s, const ConvGeom& g, const at::Tensor& x, const at::Tensor& w);
// conv(x, w) + bias as NHWC in NHWC memory; x NHWC, w tfjs' [kh, kw, C, Co], bias [Co] or undefined.
at::Tensor directConv(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, const ConvSizes& s,
                      const ConvGeom& g);

}  // namespace tl
