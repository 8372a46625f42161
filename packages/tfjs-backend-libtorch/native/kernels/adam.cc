// One Adam step for one variable in a single pass, in tfjs' AdamOptimizer's
// arithmetic: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
// x' = x − lr · (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε). tfjs composes this from
// about a dozen kernels per variable; here it is one call and one pass.
// inputs: x, m, v, g, accBeta1 (β1ᵗ, scalar), accBeta2 (β2ᵗ, scalar)
// attrs: lr, beta1, beta2, epsilon. outputs: x', m', v'
#include <ATen/Parallel.h>

#include <cmath>

#include "../op.h"

namespace tl {

static Result adam(const Args& a) {
  at::Tensor x = a.x(0).to(at::kFloat).contiguous(), m = a.x(1).to(at::kFloat).contiguous();
  at::Tensor v = a.x(2).to(at::kFloat).contiguous(), g = a.x(3).to(at::kFloat).contiguous();
  TORCH_CHECK(m.sizes() == x.sizes() && v.sizes() == x.sizes() && g.sizes() == x.sizes(),
              "x, m, v and the gradient must have one shape");
  // Each constant rounded to float32 from its double value, as tfjs makes its scalars.
  const float negLr = static_cast<float>(-a.f(0)), eps = static_cast<float>(a.f(3));
  const float b1 = static_cast<float>(a.f(1)), b2 = static_cast<float>(a.f(2));
  const float d1 = static_cast<float>(1.0 - a.f(1)), d2 = static_cast<float>(1.0 - a.f(2));
  const float c1 = 1.0f - a.x(4).to(at::kFloat).item<float>(), c2 = 1.0f - a.x(5).to(at::kFloat).item<float>();
  at::Tensor x2 = at::empty_like(x), m2 = at::empty_like(m), v2 = at::empty_like(v);
  const float *px = x.data_ptr<float>(), *pm = m.data_ptr<float>(), *pv = v.data_ptr<float>(), *pg = g.data_ptr<float>();
  float *qx = x2.data_ptr<float>(), *qm = m2.data_ptr<float>(), *qv = v2.data_ptr<float>();
  at::parallel_for(0, x.numel(), 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float gi = pg[i];
      const float mi = pm[i] * b1 + gi * d1;
      const float vi = pv[i] * b2 + (gi * gi) * d2;
      qm[i] = mi;
      qv[i] = vi;
      qx[i] = (mi / c1) / (std::sqrt(vi / c2) + eps) * negLr + px[i];
    }
  });
  return std::vector<at::Tensor>{x2, m2, v2};
}
TL_OP("adam", adam);

}  // namespace tl
