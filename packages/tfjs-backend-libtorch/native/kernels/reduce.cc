// Reductions. Over a list of axes: sum, mean, max, min (attrs: keepDims, axes); over one axis (the TS
// side reduces several one by one): prod, all, any (attrs: keepDims, axis); arg_max, arg_min (attrs: axis).
#include "../op.h"

namespace tl {

#define REDUCE(name, expr)                                 \
  static Result TL_CAT(red_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                       \
    bool keep = args.b("keepDims");                        \
    std::vector<int64_t> axes = args.ints("axes");         \
    return (expr);                                         \
  }                                                        \
  TL_OP(name, TL_CAT(red_, __LINE__), "keepDims axes[]")

REDUCE("sum", at::sum(x, axes, keep));
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
