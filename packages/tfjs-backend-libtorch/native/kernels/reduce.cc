// Reductions. Over a list of axes: sum, mean, max, min (attrs: keepDims, axes); over one axis (the TS
// side reduces several one by one): prod, all, any (attrs: keepDims, axis); arg_max, arg_min (attrs: axis).
#include <algorithm>

#include "../op.h"
#include "channel_sums.h"

namespace tl {

#define REDUCE(name, expr)                                 \
  static Result TL_CAT(red_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                       \
    bool keep = args.b("keepDims");                        \
    std::vector<int64_t> axes = args.ints("axes");         \
    return (expr);                                         \
  }                                                        \
  TL_OP(name, TL_CAT(red_, __LINE__), "keepDims axes[]")

// Over every axis but the last (the bias gradients of convolutions and dense layers), float in host memory:
// channel_sums.h's loop, in double and the same whatever the thread count (ATen's takes SimpleCNN's
// 64x28x28x16 in 0.13-0.19 ms, 2-3x a copy).
static bool overAllButLast(const at::Tensor& x, std::vector<int64_t> axes, bool keep) {
  if (keep || x.dim() < 2 || x.numel() == 0 || x.scalar_type() != at::kFloat || !hostLoops(x)) return false;
  for (int64_t& a : axes) a = a < 0 ? a + x.dim() : a;
  std::sort(axes.begin(), axes.end());
  for (size_t k = 0; k < axes.size(); ++k)
    if (axes[k] != static_cast<int64_t>(k)) return false;
  return static_cast<int64_t>(axes.size()) == x.dim() - 1;
}

static Result sum(const Args& args) {
  const at::Tensor& x = args.x(0);
  const bool keep = args.b("keepDims");
  const std::vector<int64_t> axes = args.ints("axes");
  if (!overAllButLast(x, axes, keep)) return at::sum(x, axes, keep);
  const std::vector<double> sums = channelSums(inChannelLayout(x), at::Tensor(), {}).first;
  at::Tensor out = at::empty({x.size(-1)}, x.options());
  std::transform(sums.begin(), sums.end(), out.data_ptr<float>(), [](double v) { return static_cast<float>(v); });
  return out;
}
TL_OP("sum", sum, "keepDims axes[]");
REDUCE("mean", at::mean(x.to(at::kFloat), axes, keep));
REDUCE("max", at::amax(x, axes, keep));
REDUCE("min", at::amin(x, axes, keep));

#define REDUCE_ONE_AXIS(name, expr)                        \
  static Result TL_CAT(red_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                       \
    bool keep = args.b("keepDims");                        \
    int64_t axis = args.i("axis");                         \
    return (expr);                                         \
  }                                                        \
  TL_OP(name, TL_CAT(red_, __LINE__), "keepDims axis")

REDUCE_ONE_AXIS("prod", at::prod(x.reshape(x.dim() ? x.sizes().vec() : std::vector<int64_t>{1}), axis, keep));
REDUCE_ONE_AXIS("all", x.to(at::kBool).all(axis, keep));
REDUCE_ONE_AXIS("any", x.to(at::kBool).any(axis, keep));

static Result argMax(const Args& a) { return at::argmax(a.x(0), a.i("axis"), false); }
TL_OP("arg_max", argMax, "axis");
static Result argMin(const Args& a) { return at::argmin(a.x(0), a.i("axis"), false); }
TL_OP("arg_min", argMin, "axis");

// Gradient of a mean: dy broadcast back over the reduced axes, divided by their size.
// inputs: dy; attrs: count, expanded (x's shape with the reduced axes as 1: dy's shape kept), shape (x's)
static Result meanGrad(const Args& a) {
  return (a.x(0).reshape(a.ints("expanded")) / a.f("count")).expand(a.ints("shape"));
}
TL_OP("mean_grad", meanGrad, "count expanded[] shape[]");

}  // namespace tl
