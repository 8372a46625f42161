// Conv2DBackpropInput and DepthwiseConv2dNativeBackpropInput.
// inputs: dy (NHWC), filter; attrs: the geometry (conv_common.h), inputShape (NHWC)
#include "conv_gemm.h"

namespace tl {

static Result conv2dBackpropInput(const Args& a) {
  ConvGeom g(a);
  std::vector<int64_t> in = a.ints("inputShape");
  TORCH_CHECK(in.size() == 4, "inputShape must have 4 sizes (NHWC)");
  int64_t n = in[0], h = in[1], w = in[2], c = in[3];
  // ATen needs an input only for its sizes: an uninitialised one will do.
  int64_t hp = g.symmetric() ? h : h + g.pT + g.pB, wp = g.symmetric() ? w : w + g.pL + g.pR;
  at::MemoryFormat f = convFormat(toNCHW(a.x(0)), a.x(1).sizes().vec(), g);
  const at::Tensor& filter = a.x(1);
  ConvSizes s =
      filter.dim() == 4 ? convSizes(n, c, h, w, filter.size(3), filter.size(0), filter.size(1), g) : ConvSizes{};
  if (filter.dim() == 4 &&
      useGemm(ConvPass::kInputGrad, s, g, {{&a.x(0), {s.n, s.oh, s.ow, s.co}}, {&filter, {s.kh, s.kw, s.c, s.co}}}))
    return toNHWC(gemmConvInputGrad(toNCHW(a.x(0)), atenWeight(filter, false), s, g, f));
  at::Tensor shapeOnly = at::empty({n, c, hp, wp}, a.x(0).options().memory_format(f));
  at::Tensor dy = toNCHW(a.x(0)).contiguous(f);
  auto grads =
      at::convolution_backward(dy, shapeOnly, atenWeight(a.x(1), g.depthwise), at::OptionalIntArrayRef(), {g.sH, g.sW},
                               g.atenPad(), {g.dH, g.dW}, false, {0, 0}, g.depthwise ? c : 1, {true, false, false});
  return toNHWC(unpad(std::get<0>(grads), g));
}
TL_OP("conv2d_backprop_input", conv2dBackpropInput, CONV_GEOMETRY_ATTRS " inputShape[]");

}  // namespace tl
