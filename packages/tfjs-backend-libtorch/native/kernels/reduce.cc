// Reductions over a list of axes. attrs: keepDims, axes...
#include "../op.h"

namespace tl {

#define REDUCE(name, expr)                                 \
  static Result TL_CAT(red_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                       \
    bool keep = args.b(0);                                 \
    std::vector<int64_t> axes = args.rest(1);              \
    (void)keep;                                            \
    return (expr);                                         \
  }                                                        \
  TL_OP(name, TL_CAT(red_, __LINE__))

REDUCE("sum", at::sum(x, axes, keep));
REDUCE("mean", at::mean(x.to(at::kFloat), axes, keep));
REDUCE("max", at::amax(x, axes, keep));
REDUCE("min", at::amin(x, axes, keep));
REDUCE("prod", at::prod(x.reshape(x.dim() ? x.sizes().vec() : std::vector<int64_t>{1}), axes.at(0), keep));
REDUCE("all", x.to(at::kBool).all(axes.at(0), keep));
REDUCE("any", x.to(at::kBool).any(axes.at(0), keep));
// attrs: keepDims(ignored), axis
REDUCE("arg_max", at::argmax(x, axes.at(0), false));
REDUCE("arg_min", at::argmin(x, axes.at(0), false));

}  // namespace tl

namespace tl {

// Gradient of a mean: dy broadcast back over the reduced axes, divided by their size.
// inputs: dy; attrs: count, rank, dy shape with reduced axes as 1 (rank), x shape (rank)
static Result meanGrad(const Args& a) {
  int64_t rank = a.i(1);
  return (a.x(0).reshape(a.ivec(2, rank)) / a.f(0)).expand(a.ivec(2 + rank, rank));
}
TL_OP("mean_grad", meanGrad);

}  // namespace tl
