// Geometry shared by the convolution kernels (regular and depthwise).
#pragma once
#include "../op.h"
#include "simd.h"

namespace tl {

// The attributes every convolution op starts with (src/kernels/conv_utils.ts sends them).
#define CONV_GEOMETRY_ATTRS \
  "strideHeight strideWidth padTop padBottom padLeft padRight dilationHeight dilationWidth depthwise"

struct ConvGeom {
  int64_t sH, sW, pT, pB, pL, pR, dH, dW;
  bool depthwise;
  explicit ConvGeom(const Args& a)
      : sH(a.i("strideHeight")),
        sW(a.i("strideWidth")),
        pT(a.i("padTop")),
        pB(a.i("padBottom")),
        pL(a.i("padLeft")),
        pR(a.i("padRight")),
        dH(a.i("dilationHeight")),
        dW(a.i("dilationWidth")),
        depthwise(a.b("depthwise")) {}
  bool symmetric() const { return pT == pB && pL == pR; }
  // Padding handed to ATen; asymmetric padding is applied to the input instead.
  std::vector<int64_t> atenPad() const {
    return symmetric() ? std::vector<int64_t>{pT, pL} : std::vector<int64_t>{0, 0};
  }
};

// The memory order a convolution runs in. For plain NCHW memory ATen's oneDNN path uses the blocked
// (nChw8c/nChw16c) kernels, reordering in and out; for channels_last memory the nhwc kernels. 'mixed' (the rule
// of 'auto' without AVX-512): measured on an AVX2 EPYC, the blocked kernels won by 10-20% for 3x3 convolutions
// with many channels in and out (ResNet-18 from 64 -> 64 on); the nhwc ones won for 1x1 convolutions (2x at
// 28x28, a plain matrix product) and where channels are few on either side (SimpleCNN's step was 20% slower all
// NCHW; DenseNet-121's 3x3 128 -> 32 convolutions, between 1x1 ones, made its step 40% slower NCHW, the layouts
// converted at every layer). With AVX-512 (an EPYC Zen 4, 2026-12-03), channels_last throughout won: ResNet-18
// (28)'s replayed training step 612 against 645 ms of ops (its filter gradients 190 against 204 ms, ReLU's
// gradient 8 against 22 ms: no operand in another order than its partner's), its 10-step epoch faster in 4 of 4
// interleaved pairs (by 0.3-5.5%). Off the CPU 'auto' is 'mixed'. Depthwise convolutions follow their input,
// except those with a channel multiplier above 1: oneDNN 3.7's channels_last kernels for them (Debian 13's
// libtorch 2.6, in PyTorch itself too) gave wrong outputs and input gradients on AVX-512, and wrong input
// gradients for stride 2 on AVX2; in NCHW memory they were right (2026-12-03).
// `filter` is tfjs' [kh, kw, in, out] ([kh, kw, channels, multiplier] for depthwise ones).
inline at::MemoryFormat convFormat(const at::Tensor& nchw, const std::vector<int64_t>& filter, const ConvGeom& g) {
  if (filter.size() != 4) return nchw.suggest_memory_format();  // a malformed filter: ATen refuses it with the reason
  if (g.depthwise) return filter[3] > 1 ? at::MemoryFormat::Contiguous : nchw.suggest_memory_format();
  switch (convLayout()) {
    case ConvLayout::kChannelsLast: return at::MemoryFormat::ChannelsLast;
    case ConvLayout::kNchw: return at::MemoryFormat::Contiguous;
    case ConvLayout::kAuto:
      if (nchw.is_cpu() && cpuHasAvx512()) return at::MemoryFormat::ChannelsLast;
      break;
    case ConvLayout::kMixed: break;
  }
  bool spatial = filter[0] * filter[1] > 1;
  return spatial && std::min(filter[2], filter[3]) >= 64 ? at::MemoryFormat::Contiguous
                                                         : at::MemoryFormat::ChannelsLast;
}

// The NCHW input as ATen takes it, in memory order `f`, zero-padded explicitly when padding is
// asymmetric. The copy happens only where the order changes: activations keep the order their
// convolution wrote them in.
inline at::Tensor convInput(const at::Tensor& x, const ConvGeom& g, at::MemoryFormat f) {
  at::Tensor v = toNCHW(x);
  if (!g.symmetric()) v = at::constant_pad_nd(v, {g.pL, g.pR, g.pT, g.pB});
  return v.contiguous(f);
}

// Removes the explicit padding from a gradient w.r.t. convInput().
inline at::Tensor unpad(const at::Tensor& gx, const ConvGeom& g) {
  if (g.symmetric()) return gx;
  return gx.narrow(2, g.pT, gx.size(2) - g.pT - g.pB).narrow(3, g.pL, gx.size(3) - g.pL - g.pR);
}

// tfjs filter [kh, kw, in, out] (depthwise: [kh, kw, C, M]) -> ATen [out, in/groups, kh, kw].
// A filter that a training step stored in its gradient's memory order comes out in the order oneDNN
// reads (conv2d_backprop_filter.cc); a row-major one is copied by ATen at each call.
inline at::Tensor atenWeight(const at::Tensor& w, bool depthwise) {
  if (depthwise) return w.permute({2, 3, 0, 1}).reshape({w.size(2) * w.size(3), 1, w.size(0), w.size(1)});
  return w.permute({3, 2, 0, 1});
}

// ATen weight gradient back to the tfjs filter layout.
inline at::Tensor tfjsWeight(const at::Tensor& gw, const std::vector<int64_t>& filterShape, bool depthwise) {
  if (depthwise)
    return gw.reshape({filterShape[2], filterShape[3], filterShape[0], filterShape[1]})
        .permute({2, 3, 0, 1})
        .contiguous();
  return gw.permute({2, 3, 1, 0}).contiguous();
}

inline int64_t groupsOf(const at::Tensor& x, const ConvGeom& g) { return g.depthwise ? x.size(3) : 1; }

}  // namespace tl
