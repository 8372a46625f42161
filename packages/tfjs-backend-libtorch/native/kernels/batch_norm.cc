// FusedBatchNorm (inference form: tfjs-layers computes the moments itself).
// inputs: x, mean, variance, [offset], [scale]; attrs: varianceEpsilon, hasOffset, hasScale
#include "../op.h"

namespace tl {

static Result batchNorm(const Args& a) {
  const at::Tensor& x = a.x(0);
  bool hasOffset = a.b("hasOffset"), hasScale = a.b("hasScale");
  size_t k = 3;
  at::Tensor offset = hasOffset ? a.x(k++) : at::Tensor();
  at::Tensor scale = hasScale ? a.x(k++) : at::Tensor();
  // y = x * s + (offset - mean * s) with s = scale / sqrt(var + eps): one pass over x.
  at::Tensor s = at::rsqrt(a.x(2) + a.f("varianceEpsilon"));
  if (scale.defined()) s = s * scale;
  at::Tensor shift = -a.x(1) * s;
  if (offset.defined()) shift = shift + offset;
  return at::addcmul(shift, x, s);
}
TL_OP("batch_norm", batchNorm, "varianceEpsilon hasOffset hasScale");

}  // namespace tl
