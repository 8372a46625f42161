// Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D.
// inputs: x (NHWC), filter, [bias], [prelu weights]
// attrs: the geometry (conv_common.h), activation, leakyreluAlpha, hasBias, hasPrelu
#include "conv_direct.h"
#include "conv_gemm.h"

namespace tl {

static Result conv2d(const Args& a) {
  ConvGeom g(a);
  int64_t act = a.i("activation");
  double alpha = a.f("leakyreluAlpha");
  bool hasBias = a.b("hasBias"), hasPrelu = a.b("hasPrelu");
  const at::Tensor& x = a.x(0);
  if (x.dim() != 4) throw std::runtime_error("input must be rank 4 (NHWC)");
  at::Tensor bias = hasBias ? a.x(2) : at::Tensor();
  if (bias.defined() && bias.dim() != 1) bias = bias.reshape({-1});
  const at::Tensor& w = a.x(1);
  // Checked before any path reads it (the direct loop, the matrix product's broadcast add, ATen's own check).
  if (bias.defined() && w.dim() == 4) {
    const int64_t outputs = g.depthwise ? w.size(2) * w.size(3) : w.size(3);
    TORCH_CHECK(bias.numel() == outputs, "conv2d: the bias needs ", outputs, " values (the filter's outputs)");
  }
  at::MemoryFormat f = convFormat(toNCHW(x), w.sizes().vec(), g);
  at::Tensor y;
  ConvSizes s = w.dim() == 4 ? convSizes(x.size(0), x.size(3), x.size(1), x.size(2), w.size(3), w.size(0), w.size(1), g)
                             : ConvSizes{};
  if (w.dim() == 4 && useDirect(s, g, x, w)) {
    y = toNCHW(directConv(x, w, bias, s, g));
  } else if (w.dim() == 4 &&
             useGemm(ConvPass::kForward, s, g, {{&x, {s.n, s.h, s.w, s.c}}, {&w, {s.kh, s.kw, s.c, s.co}}})) {
    y = gemmConv(toNCHW(x), atenWeight(w, false), s, g, f);
    if (bias.defined()) y.add_(bias.view({1, -1, 1, 1}));
  } else {
    y = at::convolution(convInput(x, g, f), atenWeight(w, g.depthwise), bias, {g.sH, g.sW}, g.atenPad(), {g.dH, g.dW},
                        false, {0, 0}, groupsOf(x, g));
  }
  at::Tensor out = toNHWC(y);
  if (act != 0) out = activate(out, act, alpha, hasPrelu ? a.x(hasBias ? 3 : 2) : at::Tensor());
  return out;
}
TL_OP("conv2d", conv2d, CONV_GEOMETRY_ATTRS " activation leakyreluAlpha hasBias hasPrelu");

}  // namespace tl
