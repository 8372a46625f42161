// Elementwise unary ops. inputs: x; attrs as noted.
#include "../op.h"

namespace tl {

#define UNARY(name, expr)                                 \
  static Result TL_CAT(un_, __LINE__)(const Args& args) { \
    const at::Tensor& x = args.x(0);                      \
    return (expr);                                        \
  }                                                       \
  TL_OP(name, TL_CAT(un_, __LINE__))

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
// attrs: alpha. tfjs Step maps NaN to NaN, >0 to 1, else alpha.
UNARY("step", at::where(at::isnan(x), x, at::where(x > 0, at::ones_like(x), at::full_like(x, args.f(0)))));
UNARY("leaky_relu", at::leaky_relu(x, args.f(0)));
// attrs: min, max
UNARY("clip", at::clamp(x, args.f(0), args.f(1)));
// attrs: dtype code (0 float32, 1 int32, 2 bool); the cast itself is done by `run`.
UNARY("cast", x);

}  // namespace tl
