// Broadcasting binary ops. tfjs and ATen broadcast the same way (numpy rules).
// inputs: a, b; no attributes. The TS side casts the result to the dtype tfjs expects.
#include "../op.h"

namespace tl {

#define BINARY(name, expr)                                 \
  static Result TL_CAT(bin_, __LINE__)(const Args& args) { \
    const at::Tensor& a = args.x(0);                       \
    const at::Tensor& b = args.x(1);                       \
    return (expr);                                         \
  }                                                        \
  TL_OP(name, TL_CAT(bin_, __LINE__), "")

BINARY("add", at::add(a, b));
BINARY("sub", at::sub(a, b));
BINARY("mul", at::mul(a, b));
BINARY("div", at::div(a, b));
BINARY("floor_div", at::div(a, b, "floor"));
BINARY("mod", at::remainder(a, b));
BINARY("maximum", at::maximum(a, b));
BINARY("minimum", at::minimum(a, b));
BINARY("pow", at::pow(a, b));
BINARY("squared_difference", at::square(at::sub(a, b)));
BINARY("atan2", at::atan2(a, b));
BINARY("equal", at::eq(a, b));
BINARY("not_equal", at::ne(a, b));
BINARY("greater", at::gt(a, b));
BINARY("greater_equal", at::ge(a, b));
BINARY("less", at::lt(a, b));
BINARY("less_equal", at::le(a, b));
BINARY("logical_and", at::logical_and(a, b));
BINARY("logical_or", at::logical_or(a, b));
BINARY("logical_xor", at::logical_xor(a, b));
BINARY("prelu", at::where(a > 0, a, at::mul(a, b)));
// Gradients tfjs expresses as kernels of their own.
BINARY("relu_grad", at::threshold_backward(a, b, 0));                                   // (dy, x): one fused pass
BINARY("relu6_grad", at::where(at::logical_and(b > 0, b <= 6), a, at::zeros_like(a)));  // (dy, x)
BINARY("elu_grad", at::where(b >= 0, a, at::mul(a, b + 1)));                            // (dy, y)
// SiLU and exact GELU, whose derivatives medcnn computes from x alone (so a step keeps x, not the composed
// activation's intermediates): one pass instead of five or six elementwise ops and their temporaries.
BINARY("silu_grad", at::silu_backward(a, b));          // (dy, x)
BINARY("gelu_grad", at::gelu_backward(a, b, "none"));  // (dy, x)

// AddN: sum of any number of same-shape tensors.
static Result addN(const Args& args) {
  at::Tensor acc = args.x(0);
  for (size_t k = 1; k < args.in.size(); ++k) acc = at::add(acc, args.x(k));
  return acc;
}
TL_OP("add_n", addN, "");

// Select(condition, a, b); a rank-1 condition picks whole rows, as in tfjs.
static Result select(const Args& args) {
  at::Tensor c = args.x(0).to(at::kBool);
  const at::Tensor& a = args.x(1);
  if (c.dim() == 1 && a.dim() > 1) {
    std::vector<int64_t> shape(a.dim(), 1);
    shape[0] = c.size(0);
    c = c.reshape(shape);
  }
  return at::where(c, a, args.x(2));
}
TL_OP("select", select, "");

}  // namespace tl
