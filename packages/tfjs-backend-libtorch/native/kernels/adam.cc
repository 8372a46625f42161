// One Adam step for one variable in a single pass, in tfjs' AdamOptimizer's
// arithmetic: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
// x' = x − lr · (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε). tfjs composes this from
// about a dozen kernels per variable; here it is one call and one pass.
// inputs: x, m, v, g, accBeta1 (β1ᵗ, scalar), accBeta2 (β2ᵗ, scalar)
// attrs: learningRate, beta1, beta2, epsilon. outputs: x', m', v'
#include <ATen/Parallel.h>

#include <cmath>

#include "../op.h"

namespace tl {

// `t` as float32 with the strides of `like` (a copy only when they differ).
static at::Tensor inLayoutOf(const at::Tensor& t, const at::Tensor& like) {
  if (t.scalar_type() == at::kFloat && t.strides() == like.strides()) return t;
  return at::empty_like(like).copy_(t);
}

static Result adam(const Args& a) {
  // The update runs over memory in the gradient's order, which for a convolution filter is not
  // row-major (conv2d_backprop_filter.cc); the variable and its moments follow it after one copy.
  at::Tensor g = a.x(3).to(at::kFloat);
  if (!g.is_non_overlapping_and_dense()) g = g.contiguous();
  TORCH_CHECK(a.x(0).sizes() == g.sizes() && a.x(1).sizes() == g.sizes() && a.x(2).sizes() == g.sizes(),
              "x, m, v and the gradient must have one shape");
  at::Tensor x = inLayoutOf(a.x(0), g), m = inLayoutOf(a.x(1), g), v = inLayoutOf(a.x(2), g);
  // Each constant rounded to float32 from its double value, as tfjs makes its scalars.
  const double beta1 = a.f("beta1"), beta2 = a.f("beta2");
  const float negLr = static_cast<float>(-a.f("learningRate")), eps = static_cast<float>(a.f("epsilon"));
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float d1 = static_cast<float>(1.0 - beta1), d2 = static_cast<float>(1.0 - beta2);
  const float c1 = 1.0f - a.x(4).to(at::kFloat).item<float>(), c2 = 1.0f - a.x(5).to(at::kFloat).item<float>();
  at::Tensor x2 = at::empty_like(g), m2 = at::empty_like(g), v2 = at::empty_like(g);
  const float *px = x.data_ptr<float>(), *pm = m.data_ptr<float>(), *pv = v.data_ptr<float>(),
              *pg = g.data_ptr<float>();
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
TL_OP("adam", adam, "learningRate beta1 beta2 epsilon");

}  // namespace tl
