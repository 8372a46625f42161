// Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter.
// inputs: x (NHWC), dy (NHWC); attrs: the geometry (conv_common.h), filterShape (tfjs' [kh, kw, in, out])
#include "conv_gemm.h"

namespace tl {

static Result conv2dBackpropFilter(const Args& a) {
  ConvGeom g(a);
  std::vector<int64_t> fs = a.ints("filterShape");
  TORCH_CHECK(fs.size() == 4, "filterShape must have 4 sizes");
  const at::Tensor& x = a.x(0);
  std::vector<int64_t> wShape = g.depthwise ? std::vector<int64_t>{fs[2] * fs[3], 1, fs[0], fs[1]}
                                            : std::vector<int64_t>{fs[3], fs[2], fs[0], fs[1]};
  ConvSizes s =
      x.dim() == 4 ? convSizes(x.size(0), x.size(3), x.size(1), x.size(2), fs[3], fs[0], fs[1], g) : ConvSizes{};
  if (x.dim() == 4 &&
      useGemm(ConvPass::kFilterGrad, s, g, {{&x, {s.n, s.h, s.w, fs[2]}}, {&a.x(1), {s.n, s.oh, s.ow, s.co}}}))
    return gemmConvFilterGrad(toNCHW(x), toNCHW(a.x(1)), s, g).permute({2, 3, 1, 0});  // (out, in, kh, kw) order
  // The weight is needed only for its sizes (and its memory format, which the gradient takes).
  at::MemoryFormat f = convFormat(toNCHW(x), fs, g);
  // oneDNN's strided 1x1 filter gradient over a channels_last input with fewer channels than its block (16 with
  // AVX-512, 8 with AVX2) writes past its scratchpad (oneDNN issue 6035, open; it crashed Debian 13's libtorch
  // 2.6 here). In NCHW memory it reads the input in padded blocks, and is right.
  if (!g.depthwise && fs[0] * fs[1] == 1 && (g.sH > 1 || g.sW > 1) && fs[2] < 16) f = at::MemoryFormat::Contiguous;
  at::Tensor shapeOnly = at::empty(wShape, x.options().memory_format(f));
  at::Tensor dy = toNCHW(a.x(1)).contiguous(f);
  auto grads = at::convolution_backward(dy, convInput(x, g, f), shapeOnly, at::OptionalIntArrayRef(), {g.sH, g.sW},
                                        g.atenPad(), {g.dH, g.dW}, false, {0, 0}, groupsOf(x, g), {false, true, false});
  if (g.depthwise) return tfjsWeight(std::get<1>(grads), fs, true);
  // The gradient stays in the filter order oneDNN gave it ((out, in, kh, kw) for NCHW convolutions,
  // (out, kh, kw, in) for channels_last): the optimiser keeps the variable in the gradient's order, so
  // the next convolution reads its filter without a copy (atenWeight, conv_common.h).
  return std::get<1>(grads).contiguous(f).permute({2, 3, 1, 0});
}
TL_OP("conv2d_backprop_filter", conv2dBackpropFilter, CONV_GEOMETRY_ATTRS " filterShape[]");

}  // namespace tl
