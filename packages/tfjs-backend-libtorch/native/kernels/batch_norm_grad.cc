// One FusedBatchNorm gradient per call (tfjs composes each from several
// elementwise ops, some of them full-size).
// inputs: dy, x, mean, variance, [scale]; attrs: varianceEpsilon, hasScale, which
// which: 0 dx, 1 dmean, 2 dvariance, 3 dscale, 4 doffset
#include "../op.h"

namespace tl {

// For per-channel statistics, ATen's own batch-norm backward (inference form:
// the given mean/variance are constants) yields dx, sum(dy * xhat) and sum(dy)
// in one vectorised pass; dmean and dvariance follow from the last two.
static bool perChannel(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& var, const at::Tensor& scale) {
  int64_t c = x.dim() ? x.size(-1) : -1;
  auto isVec = [c](const at::Tensor& t) { return !t.defined() || (t.dim() == 1 && t.size(0) == c); };
  return (x.dim() == 4 || x.dim() == 2) && x.scalar_type() == at::kFloat && isVec(mean) && isVec(var) && isVec(scale);
}

static Result batchNormGrad(const Args& a) {
  const at::Tensor &dy = a.x(0), &x = a.x(1), &mean = a.x(2), &var = a.x(3);
  at::Tensor scale = a.b("hasScale") ? a.x(4) : at::Tensor();
  double eps = a.f("varianceEpsilon");
  int64_t which = a.i("which");
  at::Tensor r = at::rsqrt(var + eps);
  if (perChannel(x, mean, var, scale)) {
    at::Tensor w = scale.defined() ? scale : at::ones_like(mean);
    auto nchw = [](const at::Tensor& t) { return t.dim() == 4 ? toNCHW(t) : t; };
    std::array<bool, 3> mask{which == 0, which == 2 || which == 3, which == 1 || which == 4};
    at::Tensor xs = nchw(x), dys = nchw(dy).contiguous(xs.suggest_memory_format());
    auto g = at::native_batch_norm_backward(dys, xs, w, mean, var, {}, {}, false, eps, mask);
    switch (which) {
      case 0: return x.dim() == 4 ? toNHWC(std::get<0>(g)) : std::get<0>(g);
      case 1: return -r * w * std::get<2>(g);            // -r * scale * sum(dy)
      case 2: return -0.5 * r * r * w * std::get<1>(g);  // -r^3/2 * scale * sum(dy (x - mean))
      case 3: return std::get<1>(g);                     // r * sum(dy (x - mean))
      case 4: return std::get<2>(g);                     // sum(dy)
    }
  }
  if (!scale.defined()) scale = at::ones_like(mean);
  switch (which) {
    case 0: return dy * (r * scale);
    case 1: return (-(r * scale) * dy.sum_to_size(mean.sizes())).sum_to_size(mean.sizes());
    case 2: return (-0.5 * r * r * r * scale * (dy * (x - mean)).sum_to_size(mean.sizes())).sum_to_size(var.sizes());
    case 3: return (r * (dy * (x - mean)).sum_to_size(mean.sizes())).sum_to_size(mean.sizes());
    case 4: return dy.sum_to_size(mean.sizes());
  }
  throw std::runtime_error("unknown gradient index");
}
TL_OP("batch_norm_grad", batchNormGrad, "varianceEpsilon hasScale which");

}  // namespace tl
