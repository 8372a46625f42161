// One optimizer step for one variable in a single pass, in the arithmetic of tfjs' optimizers
// (src/optimizers/*.ts): tfjs composes each from several kernels per variable; here it is one call.
//
// adam: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², x' = x − lr · (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε).
//   inputs: x, m, v, g, accBeta1 (β1ᵗ, scalar), accBeta2 (β2ᵗ, scalar); outputs: x', m', v'
// sgd: x' = c·g + x, with c = −lr (SGDOptimizer's scalar). inputs: x, g, c; outputs: x'
// momentum: a' = μ·a + g; x' = c·a' + x, or with Nesterov x' = c·(g + a'·μ) + x.
//   inputs: x, a (accumulation), g, c (−lr), mu (μ, MomentumOptimizer's scalar); outputs: x', a'
//
// Weight decay (attributes weightDecay, decoupled; none when weightDecay is 0), as callers composed it in
// JS before: L2 adds wd·x to the gradient (g + x·wd, torch.optim's weight_decay); decoupled (AdamW)
// scales the variable first, x·(1 − lr·wd), and the step then starts from that value (torch.optim.AdamW).
//
// The loops read host memory; on another device (a GPU) each step is the same arithmetic as ATen expressions
// (several kernels each, in the loop's order of operations).
#include <ATen/Parallel.h>

#include <cmath>
#include <type_traits>

#include "../op.h"
#include "simd.h"

namespace tl {

// `t` as float32 with the strides of `like` (a copy only when they differ).
static at::Tensor inLayoutOf(const at::Tensor& t, const at::Tensor& like) {
  if (t.scalar_type() == at::kFloat && t.strides() == like.strides()) return t;
  return at::empty_like(like).copy_(t);
}

// The gradient (input k) as dense float32. The update runs over memory in the gradient's order, which for
// a convolution filter is not row-major (conv2d_backprop_filter.cc); the variable and its state follow it
// after one copy.
static at::Tensor gradient(const Args& a, size_t k) {
  at::Tensor g = a.x(k).to(at::kFloat);
  if (!g.is_non_overlapping_and_dense()) g = g.contiguous();
  return g;
}

static float scalarOf(const at::Tensor& t) { return t.to(at::kFloat).item<float>(); }

// The weight decay of one call. Each constant is rounded to float32 from its double value, as tfjs makes
// its scalars (tf.mul(x, wd), tf.mul(x, 1 - lr * wd)).
struct Decay {
  bool l2 = false, decoupled = false;
  float wd = 0, factor = 1;
  Decay(const Args& a, double learningRate) {
    const double wdd = a.f("weightDecay");
    TORCH_CHECK(std::isfinite(wdd) && wdd >= 0, "weightDecay must be finite and >= 0, got ", wdd);
    if (wdd == 0) return;
    decoupled = a.b("decoupled");
    l2 = !decoupled;
    wd = static_cast<float>(wdd);
    factor = static_cast<float>(1.0 - learningRate * wdd);
  }
  // Calls f(L2, Decoupled) with the mode as compile-time flags, so that each loop stays free of branches.
  template <class F>
  void dispatch(F&& f) const {
    if (l2)
      f(std::true_type{}, std::false_type{});
    else if (decoupled)
      f(std::false_type{}, std::true_type{});
    else
      f(std::false_type{}, std::false_type{});
  }
};

static void checkShapes(const at::Tensor& g, std::initializer_list<at::Tensor> ts, const char* what) {
  for (const at::Tensor& t : ts) TORCH_CHECK(t.sizes() == g.sizes(), what, " and the gradient must have one shape");
}

// The decayed gradient and variable as ATen expressions (off the CPU).
static std::pair<at::Tensor, at::Tensor> decayed(const Decay& decay, const at::Tensor& x, const at::Tensor& g) {
  if (decay.l2) return {x, g + x * decay.wd};
  if (decay.decoupled) return {x * decay.factor, g};
  return {x, g};
}

// The constants of one Adam step, each rounded to float32 as tfjs makes its scalars.
struct AdamConstants {
  float b1, d1, b2, d2, c1, c2, eps, negLr, wd, factor;
};

// One Adam step over n values, one loop per weight-decay mode (the plain loop compiled for each target: the
// two divisions and the square root per value are what it spends its time on).
template <bool L2, bool Decoupled>
TL_VECTOR_CLONES void adamLoop(int64_t n, const float* px, const float* pm, const float* pv, const float* pg,
                               const AdamConstants k, float* qx, float* qm, float* qv) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    float xi = px[i], gi = pg[i];
    if (L2) gi = gi + xi * k.wd;
    if (Decoupled) xi = xi * k.factor;
    const float mi = pm[i] * k.b1 + gi * k.d1;
    const float vi = pv[i] * k.b2 + (gi * gi) * k.d2;
    qm[i] = mi;
    qv[i] = vi;
    qx[i] = (mi / k.c1) / (std::sqrt(vi / k.c2) + k.eps) * k.negLr + xi;
  }
}

static Result adam(const Args& a) {
  at::Tensor g = gradient(a, 3);
  checkShapes(g, {a.x(0), a.x(1), a.x(2)}, "x, m, v");
  at::Tensor x = inLayoutOf(a.x(0), g), m = inLayoutOf(a.x(1), g), v = inLayoutOf(a.x(2), g);
  const double beta1 = a.f("beta1"), beta2 = a.f("beta2"), lr = a.f("learningRate");
  const float negLr = static_cast<float>(-lr), eps = static_cast<float>(a.f("epsilon"));
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float d1 = static_cast<float>(1.0 - beta1), d2 = static_cast<float>(1.0 - beta2);
  const Decay decay(a, lr);
  if (!hostLoops(g)) {
    auto [xi, gi] = decayed(decay, x, g);
    at::Tensor c1t = 1 - a.x(4).to(at::kFloat), c2t = 1 - a.x(5).to(at::kFloat);
    at::Tensor mi = m * b1 + gi * d1, vi = v * b2 + (gi * gi) * d2;
    return std::vector<at::Tensor>{(mi / c1t) / (at::sqrt(vi / c2t) + eps) * negLr + xi, mi, vi};
  }
  const AdamConstants k{b1,  d1,    b2,       d2,          1.0f - scalarOf(a.x(4)), 1.0f - scalarOf(a.x(5)),
                        eps, negLr, decay.wd, decay.factor};
  at::Tensor x2 = at::empty_like(g), m2 = at::empty_like(g), v2 = at::empty_like(g);
  const float *px = x.data_ptr<float>(), *pm = m.data_ptr<float>(), *pv = v.data_ptr<float>(),
              *pg = g.data_ptr<float>();
  float *qx = x2.data_ptr<float>(), *qm = m2.data_ptr<float>(), *qv = v2.data_ptr<float>();
  at::parallel_for(0, x.numel(), 16384, [&](int64_t begin, int64_t end) {
    const int64_t n = end - begin;
    if (decay.l2)
      adamLoop<true, false>(n, px + begin, pm + begin, pv + begin, pg + begin, k, qx + begin, qm + begin, qv + begin);
    else if (decay.decoupled)
      adamLoop<false, true>(n, px + begin, pm + begin, pv + begin, pg + begin, k, qx + begin, qm + begin, qv + begin);
    else
      adamLoop<false, false>(n, px + begin, pm + begin, pv + begin, pg + begin, k, qx + begin, qm + begin, qv + begin);
  });
  return std::vector<at::Tensor>{x2, m2, v2};
}
TL_OP("adam", adam, "learningRate beta1 beta2 epsilon weightDecay decoupled");

static Result sgd(const Args& a) {
  at::Tensor g = gradient(a, 1);
  checkShapes(g, {a.x(0)}, "x");
  at::Tensor x = inLayoutOf(a.x(0), g);
  const Decay decay(a, a.f("learningRate"));
  if (!hostLoops(g)) {
    auto [xi, gi] = decayed(decay, x, g);
    return a.x(2).to(at::kFloat) * gi + xi;
  }
  const float c = scalarOf(a.x(2));
  at::Tensor x2 = at::empty_like(g);
  const float *px = x.data_ptr<float>(), *pg = g.data_ptr<float>();
  float* qx = x2.data_ptr<float>();
  decay.dispatch([&](auto l2, auto decoupled) {
    const float wd = decay.wd, factor = decay.factor;
    at::parallel_for(0, x.numel(), 16384, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float xi = px[i], gi = pg[i];
        if constexpr (decltype(l2)::value) gi = gi + xi * wd;
        if constexpr (decltype(decoupled)::value) xi = xi * factor;
        qx[i] = c * gi + xi;
      }
    });
  });
  return x2;
}
TL_OP("sgd", sgd, "learningRate weightDecay decoupled");

static Result momentum(const Args& a) {
  at::Tensor g = gradient(a, 2);
  checkShapes(g, {a.x(0), a.x(1)}, "x, the accumulation");
  at::Tensor x = inLayoutOf(a.x(0), g), acc = inLayoutOf(a.x(1), g);
  const bool nesterov = a.b("nesterov");
  const Decay decay(a, a.f("learningRate"));
  if (!hostLoops(g)) {
    auto [xi, gi] = decayed(decay, x, g);
    at::Tensor ct = a.x(3).to(at::kFloat), mut = a.x(4).to(at::kFloat);
    at::Tensor ai = mut * acc + gi;
    return std::vector<at::Tensor>{(nesterov ? ct * (gi + ai * mut) : ct * ai) + xi, ai};
  }
  const float c = scalarOf(a.x(3)), mu = scalarOf(a.x(4));
  at::Tensor x2 = at::empty_like(g), acc2 = at::empty_like(g);
  const float *px = x.data_ptr<float>(), *pa = acc.data_ptr<float>(), *pg = g.data_ptr<float>();
  float *qx = x2.data_ptr<float>(), *qa = acc2.data_ptr<float>();
  decay.dispatch([&](auto l2, auto decoupled) {
    const float wd = decay.wd, factor = decay.factor;
    at::parallel_for(0, x.numel(), 16384, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float xi = px[i], gi = pg[i];
        if constexpr (decltype(l2)::value) gi = gi + xi * wd;
        if constexpr (decltype(decoupled)::value) xi = xi * factor;
        const float ai = mu * pa[i] + gi;
        qa[i] = ai;
        qx[i] = (nesterov ? c * (gi + ai * mu) : c * ai) + xi;
      }
    });
  });
  return std::vector<at::Tensor>{x2, acc2};
}
TL_OP("momentum", momentum, "learningRate weightDecay decoupled nesterov");

}  // namespace tl
