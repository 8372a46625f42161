// BatchNorm in training, forward and backward, each in one call (ATen's own
// batch-norm kernels), where tfjs-layers composes moments, normalisation, and
// their gradients from some twenty small kernels per layer.
// Channels are the last axis: x is NHWC (seen by ATen as NCHW, in either memory order) or [N, C].
#include "../op.h"

namespace tl {

static at::Tensor channelsSecond(const at::Tensor& t) { return t.dim() == 4 ? toNCHW(t) : t; }
static at::Tensor channelsLast(const at::Tensor& t) { return t.dim() == 4 ? toNHWC(t) : t; }
// ATen's fast backward wants dy in x's memory order (a gradient from a mean or a flatten may differ).
static at::Tensor inOrderOf(const at::Tensor& dy, const at::Tensor& x) {
  return dy.contiguous(x.suggest_memory_format());
}

// inputs: x, gamma [C], beta [C]; attrs: epsilon
// outputs: y, batch mean [C], batch variance [C] (biased, as tfjs), 1/sqrt(variance + eps) [C]
static Result batchNormTraining(const Args& a) {
  at::Tensor x = a.x(0).to(at::kFloat), gamma = a.x(1).to(at::kFloat), beta = a.x(2).to(at::kFloat);
  const int64_t C = x.size(-1), perChannel = x.numel() / C;
  TORCH_CHECK(perChannel > 1, "batch norm in training needs more than one value per channel");
  // With momentum 1 the "running" statistics are this batch's: the mean, and the unbiased variance.
  at::Tensor mean = at::zeros({C}, x.options()), unbiased = at::zeros({C}, x.options());
  auto out = at::native_batch_norm(channelsSecond(x), gamma, beta, mean, unbiased, true, 1.0, a.f("epsilon"));
  at::Tensor variance = unbiased * (double(perChannel - 1) / double(perChannel));
  return std::vector<at::Tensor>{channelsLast(std::get<0>(out)), std::get<1>(out), variance, std::get<2>(out)};
}
TL_OP("batch_norm_training", batchNormTraining, "epsilon");

// inputs: dy, x, gamma, mean, invstd (from the forward); attrs: epsilon
// outputs: dx, dgamma, dbeta
static Result batchNormTrainingGrad(const Args& a) {
  at::Tensor x = channelsSecond(a.x(1).to(at::kFloat)), dy = inOrderOf(channelsSecond(a.x(0).to(at::kFloat)), x);
  auto g = at::native_batch_norm_backward(dy, x, a.x(2).to(at::kFloat), {}, {}, a.x(3), a.x(4), true, a.f("epsilon"),
                                          {true, true, true});
  return std::vector<at::Tensor>{channelsLast(std::get<0>(g)), std::get<1>(g), std::get<2>(g)};
}
TL_OP("batch_norm_training_grad", batchNormTrainingGrad, "epsilon");

}  // namespace tl
