// Elementwise unary ops. inputs: x; no attributes unless UNARY_WITH names them.
#include "../op.h"

namespace tl {

#define UNARY_WITH(name, attrs, expr)                     \
  static Result TL_CAT(un_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                      \
    return (expr);                                        \
  }                                                       \
  TL_OP(name, TL_CAT(un_, __LINE__), attrs)
#define UNARY(name, expr) UNARY_WITH(name, "", expr)

UNARY("identity", x);
UNARY("neg", at::neg(x));
UNARY("abs", at::abs(x));
UNARY("exp", at::exp(x));
UNARY("expm1", at::expm1(x));
UNARY("log", at::log(x));
UNARY("log1p", at::log1p(x));
UNARY("sqrt", at::sqrt(x));
UNARY("rsqrt", at::rsqrt(x));
UNARY("square", at::square(x));
UNARY("reciprocal", at::reciprocal(x));
UNARY("relu", at::relu(x));
UNARY("relu6", at::clamp(x, 0, 6));
UNARY("elu", at::elu(x));
UNARY("selu", at::selu(x));
UNARY("sigmoid", at::sigmoid(x));
UNARY("softplus", at::softplus(x));
UNARY("tanh", at::tanh(x));
UNARY("sin", at::sin(x));
UNARY("cos", at::cos(x));
UNARY("erf", at::erf(x));
UNARY("floor", at::floor(x));
UNARY("ceil", at::ceil(x));
UNARY("round", at::round(x));  // half to even, like tfjs
UNARY("sign", at::sign(x));
UNARY("is_nan", at::isnan(x));
UNARY("is_inf", at::isinf(x));
UNARY("is_finite", at::isfinite(x));
UNARY("logical_not", at::logical_not(x));
UNARY("zeros_like", at::zeros_like(x));
UNARY("ones_like", at::ones_like(x));
// tfjs Step maps NaN to NaN, >0 to 1, else alpha.
UNARY_WITH("step", "alpha",
           at::where(at::isnan(x), x, at::where(x > 0, at::ones_like(x), at::full_like(x, args.f("alpha")))));
UNARY_WITH("leaky_relu", "alpha", at::leaky_relu(x, args.f("alpha")));
UNARY_WITH("clip", "min max", at::clamp(x, args.f("min"), args.f("max")));
// The cast itself is done by `run`, to the dtype the kernel asks for.
UNARY("cast", x);

}  // namespace tl
