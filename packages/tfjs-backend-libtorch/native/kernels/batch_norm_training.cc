// BatchNorm in training, forward and backward, each in one call, where tfjs-layers composes moments,
// normalisation, and their gradients from some twenty small kernels per layer. Channels are the last axis: x is
// NHWC (in either memory order) or [N, C].
//
// On the CPU, float values go through our own loops: ATen's kernels take 7x the time of a copy for SimpleCNN's
// 64x28x28x16 activations (0.34 ms forward, 0.49 ms backward on 2 threads, against 0.05 ms for a copy). Each
// loop makes one pass over memory per sum or result, vectorised over the channels (channels-last memory) or
// over a plane (NCHW memory). The sums are taken in double per block of rows whose size depends on C alone and
// then added in block order, so no value depends on the thread count. Elsewhere (a GPU; setHostLoops(false))
// ATen's own kernels run.
//
// Captured steps also fuse a BatchNorm, its ReLU and a max pool of windows that tile the image into one pass
// (batch_norm_relu_max_pool, native/capture.cc): it computes each value with the same expressions as the plain
// ops, so a captured and a plain step agree bit for bit.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../op.h"
#include "pool_loops.h"
#include "simd.h"

namespace tl {

namespace {

at::Tensor channelsSecond(const at::Tensor& t) { return t.dim() == 4 ? toNCHW(t) : t; }
at::Tensor channelsLast(const at::Tensor& t) { return t.dim() == 4 ? toNHWC(t) : t; }

// How a tensor with channels last in its shape lies in memory: as rows of C values (NHWC memory, or [N, C]), as
// planes of `inner` values per (image, channel) (NCHW memory), or neither (a view: copied first).
struct Layout {
  int64_t outer, C, inner;  // rows of C (inner = 1), or N x C x HW
  bool planes;
};

Layout layoutOf(const at::Tensor& t) {
  const int64_t C = t.size(-1);
  if (t.dim() == 4 && !t.is_contiguous() && toNCHW(t).is_contiguous())
    return {t.size(0), C, t.size(1) * t.size(2), true};
  return {t.numel() / C, C, 1, false};
}

// x itself when its memory is rows of C or NCHW planes, else a copy as rows of C.
at::Tensor inLayout(const at::Tensor& x) {
  if (x.is_contiguous() || (x.dim() == 4 && toNCHW(x).is_contiguous())) return x;
  return x.contiguous();
}

// An empty tensor with x's shape and memory order.
at::Tensor emptyLike(const at::Tensor& x, const Layout& l) {
  if (!l.planes) return at::empty(x.sizes(), x.options());
  return toNHWC(at::empty({x.size(0), l.C, x.size(1), x.size(2)}, x.options()));
}

bool ownLoops(const at::Tensor& x) { return hostLoops(x) && x.scalar_type() == at::kFloat; }

// Rows (of C values) in one block of sums: fixed by C alone (see the top of the file).
int64_t blockRows(int64_t C) { return std::max<int64_t>(1, 16384 / C); }

// Per channel of `rows` rows of C values, channels g0..g0+8G: s[c] = sum of a, q[c] = sum of a * a (b null) or of
// a * (b - m[c]); in registers, even and odd rows apart (two chains of additions, added at the end).
template <int G>
TL_INLINE void groupSums(const float* a, const float* b, const double* m, int64_t rows, int64_t C, int64_t g0,
                         double* s, double* q) {
  D8 s0[G] = {}, s1[G] = {}, q0[G] = {}, q1[G] = {}, mean[G] = {};
  if (b)
    for (int g = 0; g < G; ++g)
      for (int j = 0; j < 8; ++j) mean[g][j] = m[g0 + 8 * g + j];
  auto add = [&](int64_t r, D8* sx, D8* qx) {
    for (int g = 0; g < G; ++g) {
      const D8 v = loadD8(a + r * C + g0 + 8 * g);
      sx[g] += v;
      qx[g] += b ? v * (loadD8(b + r * C + g0 + 8 * g) - mean[g]) : v * v;
    }
  };
  int64_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    add(r, s0, q0);
    add(r + 1, s1, q1);
  }
  if (r < rows) add(r, s0, q0);
  for (int g = 0; g < G; ++g)
    for (int j = 0; j < 8; ++j) {
      s[g0 + 8 * g + j] = s0[g][j] + s1[g][j];
      q[g0 + 8 * g + j] = q0[g][j] + q1[g][j];
    }
}

TL_VECTOR_CLONES void rowSums(const float* a, const float* b, const double* m, int64_t rows, int64_t C, double* s,
                              double* q) {
  int64_t c0 = 0;
  for (; c0 + 16 <= C; c0 += 16) groupSums<2>(a, b, m, rows, C, c0, s, q);
  for (; c0 + 8 <= C; c0 += 8) groupSums<1>(a, b, m, rows, C, c0, s, q);
  for (; c0 < C; ++c0) {
    double sc = 0, qc = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double v = a[r * C + c0];
      sc += v;
      qc += b ? v * (double(b[r * C + c0]) - m[c0]) : v * v;
    }
    s[c0] = sc;
    q[c0] = qc;
  }
}

// The same sums over one plane of n values of channel c (NCHW memory), in 8 running sums added at the end.
TL_VECTOR_CLONES void planeSums(const float* a, const float* b, double mean, int64_t n, double& s, double& q) {
  double sa[8] = {}, qa[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma omp simd
    for (int j = 0; j < 8; ++j) {
      const double v = a[i + j];
      sa[j] += v;
      qa[j] += b ? v * (double(b[i + j]) - mean) : v * v;
    }
  }
  for (int j = 0; i < n; ++i, ++j) {
    const double v = a[i];
    sa[j] += v;
    qa[j] += b ? v * (double(b[i]) - mean) : v * v;
  }
  s = q = 0;
  for (int j = 0; j < 8; ++j) {
    s += sa[j];
    q += qa[j];
  }
}

// Per channel over the whole tensor: sum of a, and sum of a * a (b undefined) or of a * (b - mean[c]).
std::pair<std::vector<double>, std::vector<double>> channelSums(const at::Tensor& a, const at::Tensor& b,
                                                                const std::vector<double>& mean) {
  const Layout l = layoutOf(a);
  const float* pa = a.data_ptr<float>();
  const float* pb = b.defined() ? b.data_ptr<float>() : nullptr;
  std::vector<double> s(l.C, 0.0), q(l.C, 0.0);
  if (l.planes) {
    // One partial per plane (image and channel), added in image order.
    std::vector<double> ps(l.outer * l.C), pq(l.outer * l.C);
    at::parallel_for(0, l.outer * l.C, std::max<int64_t>(1, 16384 / l.inner), [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k)
        planeSums(pa + k * l.inner, pb ? pb + k * l.inner : nullptr, pb ? mean[k % l.C] : 0.0, l.inner, ps[k], pq[k]);
    });
    for (int64_t n = 0; n < l.outer; ++n)
      for (int64_t c = 0; c < l.C; ++c) {
        s[c] += ps[n * l.C + c];
        q[c] += pq[n * l.C + c];
      }
    return {s, q};
  }
  const int64_t br = blockRows(l.C), blocks = (l.outer + br - 1) / br;
  std::vector<double> ps(blocks * l.C), pq(blocks * l.C);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k)
      rowSums(pa + k * br * l.C, pb ? pb + k * br * l.C : nullptr, mean.data(), std::min(br, l.outer - k * br), l.C,
              &ps[k * l.C], &pq[k * l.C]);
  });
  for (int64_t k = 0; k < blocks; ++k)
    for (int64_t c = 0; c < l.C; ++c) {
      s[c] += ps[k * l.C + c];
      q[c] += pq[k * l.C + c];
    }
  return {s, q};
}

// y = x * scale[c] + shift[c], per row of C values.
TL_VECTOR_CLONES void affineRows(const float* x, int64_t rows, int64_t C, const float* scale, const float* shift,
                                 float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* px = x + r * C;
    float* py = y + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) {
      py[c] = px[c] * scale[c] + shift[c];
    }
  }
}

TL_VECTOR_CLONES void affinePlane(const float* x, int64_t n, float scale, float shift, float* y) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale + shift;
}

// y = x * scale[c] + shift[c] over x in its layout.
at::Tensor affine(const at::Tensor& x, const std::vector<float>& scale, const std::vector<float>& shift) {
  const Layout l = layoutOf(x);
  at::Tensor y = emptyLike(x, l);
  const float* px = x.data_ptr<float>();
  float* py = y.data_ptr<float>();
  if (l.planes) {
    at::parallel_for(0, l.outer * l.C, std::max<int64_t>(1, 16384 / l.inner), [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k)
        affinePlane(px + k * l.inner, l.inner, scale[k % l.C], shift[k % l.C], py + k * l.inner);
    });
  } else {
    at::parallel_for(0, l.outer, blockRows(l.C), [&](int64_t begin, int64_t end) {
      affineRows(px + begin * l.C, end - begin, l.C, scale.data(), shift.data(), py + begin * l.C);
    });
  }
  return y;
}

// This batch's statistics and the normalisation they give: y = x * scale + shift per channel.
struct Normalisation {
  at::Tensor mean, variance, invstd;  // float [C]
  std::vector<float> scale, shift;
};

Normalisation normalisation(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, double epsilon) {
  const int64_t C = x.size(-1), count = x.numel() / C;
  auto [s, q] = channelSums(x, at::Tensor(), {});
  Normalisation n{at::empty({C}, x.options()), at::empty({C}, x.options()), at::empty({C}, x.options()),
                  std::vector<float>(C), std::vector<float>(C)};
  at::Tensor g = gamma.contiguous(), b = beta.contiguous();
  const float *pg = g.data_ptr<float>(), *pb = b.data_ptr<float>();
  for (int64_t c = 0; c < C; ++c) {
    const double mean = s[c] / count, variance = std::max(0.0, q[c] / count - mean * mean);
    const double invstd = 1.0 / std::sqrt(variance + epsilon), scale = pg[c] * invstd;
    n.mean.data_ptr<float>()[c] = static_cast<float>(mean);
    n.variance.data_ptr<float>()[c] = static_cast<float>(variance);
    n.invstd.data_ptr<float>()[c] = static_cast<float>(invstd);
    n.scale[c] = static_cast<float>(scale);
    n.shift[c] = static_cast<float>(pb[c] - mean * scale);
  }
  return n;
}

}  // namespace

// inputs: x, gamma [C], beta [C]; attrs: epsilon
// outputs: y, batch mean [C], batch variance [C] (biased, as tfjs), 1/sqrt(variance + eps) [C]
static Result batchNormTraining(const Args& a) {
  at::Tensor x = a.x(0).to(at::kFloat), gamma = a.x(1).to(at::kFloat), beta = a.x(2).to(at::kFloat);
  const int64_t C = x.size(-1), perChannel = x.numel() / C;
  TORCH_CHECK(perChannel > 1, "batch norm in training needs more than one value per channel");
  if (ownLoops(x)) {
    x = inLayout(x);
    Normalisation n = normalisation(x, gamma, beta, a.f("epsilon"));
    return std::vector<at::Tensor>{affine(x, n.scale, n.shift), n.mean, n.variance, n.invstd};
  }
  // With momentum 1 the "running" statistics are this batch's: the mean, and the unbiased variance.
  at::Tensor mean = at::zeros({C}, x.options()), unbiased = at::zeros({C}, x.options());
  auto out = at::native_batch_norm(channelsSecond(x), gamma, beta, mean, unbiased, true, 1.0, a.f("epsilon"));
  at::Tensor variance = unbiased * (double(perChannel - 1) / double(perChannel));
  return std::vector<at::Tensor>{channelsLast(std::get<0>(out)), std::get<1>(out), variance, std::get<2>(out)};
}
TL_OP("batch_norm_training", batchNormTraining, "epsilon");

namespace {

// dx = (dy - mean(dy) - (x - mean) * proj) * k per channel, with k = gamma * invstd and proj = invstd^2 *
// mean(dy * (x - mean)), over rows of C values or planes.
TL_VECTOR_CLONES void gradRows(const float* dy, const float* x, int64_t rows, int64_t C, const float* mean,
                               const float* dyMean, const float* proj, const float* k, float* dx) {
  for (int64_t r = 0; r < rows; ++r) {
#pragma omp simd
    for (int64_t c = 0; c < C; ++c)
      dx[r * C + c] = (dy[r * C + c] - dyMean[c] - (x[r * C + c] - mean[c]) * proj[c]) * k[c];
  }
}

TL_VECTOR_CLONES void gradPlane(const float* dy, const float* x, int64_t n, float mean, float dyMean, float proj,
                                float k, float* dx) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) dx[i] = (dy[i] - dyMean - (x[i] - mean) * proj) * k;
}

}  // namespace

// inputs: dy, x, gamma, mean, invstd (from the forward); attrs: epsilon
// outputs: dx, dgamma, dbeta
static Result batchNormTrainingGrad(const Args& a) {
  if (ownLoops(a.x(1)) && a.x(0).scalar_type() == at::kFloat) {
    at::Tensor x = inLayout(a.x(1));
    const Layout l = layoutOf(x);
    // dy in x's memory order (a gradient from a mean or a flatten may come in another).
    at::Tensor dy = l.planes ? toNHWC(toNCHW(a.x(0)).contiguous()) : a.x(0).contiguous();
    at::Tensor gamma = a.x(2).to(at::kFloat).contiguous(), mean = a.x(3).to(at::kFloat).contiguous(),
               invstd = a.x(4).to(at::kFloat).contiguous();
    const int64_t C = l.C, count = x.numel() / C;
    std::vector<double> meanD(mean.data_ptr<float>(), mean.data_ptr<float>() + C);
    auto [sumDy, sumDyXmu] = channelSums(dy, x, meanD);
    at::Tensor dgamma = at::empty({C}, x.options()), dbeta = at::empty({C}, x.options());
    std::vector<float> meanF(C), dyMean(C), proj(C), k(C);
    for (int64_t c = 0; c < C; ++c) {
      const double is = invstd.data_ptr<float>()[c];
      dgamma.data_ptr<float>()[c] = static_cast<float>(sumDyXmu[c] * is);
      dbeta.data_ptr<float>()[c] = static_cast<float>(sumDy[c]);
      meanF[c] = mean.data_ptr<float>()[c];
      dyMean[c] = static_cast<float>(sumDy[c] / count);
      proj[c] = static_cast<float>(is * is * sumDyXmu[c] / count);
      k[c] = static_cast<float>(gamma.data_ptr<float>()[c] * is);
    }
    at::Tensor dx = emptyLike(x, l);
    const float *pdy = dy.data_ptr<float>(), *px = x.data_ptr<float>();
    float* pdx = dx.data_ptr<float>();
    if (l.planes) {
      at::parallel_for(0, l.outer * C, std::max<int64_t>(1, 16384 / l.inner), [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const int64_t c = p % C, o = p * l.inner;
          gradPlane(pdy + o, px + o, l.inner, meanF[c], dyMean[c], proj[c], k[c], pdx + o);
        }
      });
    } else {
      at::parallel_for(0, l.outer, blockRows(C), [&](int64_t begin, int64_t end) {
        gradRows(pdy + begin * C, px + begin * C, end - begin, C, meanF.data(), dyMean.data(), proj.data(), k.data(),
                 pdx + begin * C);
      });
    }
    return std::vector<at::Tensor>{dx, dgamma, dbeta};
  }
  at::Tensor x = channelsSecond(a.x(1).to(at::kFloat));
  // ATen's fast backward wants dy in x's memory order.
  at::Tensor dy = channelsSecond(a.x(0).to(at::kFloat)).contiguous(x.suggest_memory_format());
  auto g = at::native_batch_norm_backward(dy, x, a.x(2).to(at::kFloat), {}, {}, a.x(3), a.x(4), true, a.f("epsilon"),
                                          {true, true, true});
  return std::vector<at::Tensor>{channelsLast(std::get<0>(g)), std::get<1>(g), std::get<2>(g)};
}
TL_OP("batch_norm_training_grad", batchNormTrainingGrad, "epsilon");

namespace {}  // namespace

// max_pool(relu(batch_norm_training(x))) with the statistics, in one call: what a captured step runs for a
// BatchNorm whose output only a ReLU reads and whose ReLU's output only a max pool (and that pool's gradient)
// reads, when the pool's windows tile the image. inputs: x, gamma, beta; attrs: epsilon and the pool's geometry.
// outputs: the pooled values (with the kept indices, as max_pool's), mean, variance, invstd. The rectified
// values themselves are never written: the pool's gradient (max_pool_grad_relu_tiled) needs only the indices.
static Result batchNormReluMaxPool(const Args& a) {
  const int64_t kH = a.i("filterHeight"), kW = a.i("filterWidth");
  TORCH_CHECK(kH == a.i("strideHeight") && kW == a.i("strideWidth") && a.i("padTop") == 0 && a.i("padBottom") == 0 &&
                  a.i("padLeft") == 0 && a.i("padRight") == 0,
              "batch_norm_relu_max_pool takes windows that tile the image");
  at::Tensor x = a.x(0).to(at::kFloat), gamma = a.x(1).to(at::kFloat), beta = a.x(2).to(at::kFloat);
  TORCH_CHECK(x.dim() == 4 && x.size(0) * x.size(1) * x.size(2) > 1, "batch_norm_relu_max_pool takes NHWC batches");
  TORCH_CHECK(ownLoops(x), "batch_norm_relu_max_pool runs in host memory only (captured steps on the CPU)");
  const int64_t N = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3), Ho = H / kH, Wo = W / kW;
  x = inLayout(x);
  Normalisation n = normalisation(x, gamma, beta, a.f("epsilon"));
  if (layoutOf(x).planes) {
    // NCHW memory: the plain ops one after another (the same values: they are the plain step's own).
    at::Tensor r = at::relu(affine(x, n.scale, n.shift));
    auto p = at::max_pool2d_with_indices(toNCHW(r), {kH, kW}, {kH, kW}, {0, 0}, {1, 1}, false);
    Result res(std::vector<at::Tensor>{toNHWC(std::get<0>(p)), n.mean, n.variance, n.invstd});
    res.aux = std::get<1>(p);
    return res;
  }
  at::Tensor out = at::empty({N, Ho, Wo, C}, x.options()),
             idx = at::empty({N, Ho, Wo, C}, x.options().dtype(at::kLong));
  const float* px = x.data_ptr<float>();
  float* po = out.data_ptr<float>();
  int64_t* pi = idx.data_ptr<int64_t>();
  const NormReluPoolBand band = normReluPoolBand();
  at::parallel_for(0, N * Ho, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, Wo * C)), [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k)
      band(px, H, W, C, kH, kW, Wo, k / Ho, k % Ho, n.scale.data(), n.shift.data(), po + k * Wo * C, pi + k * Wo * C);
  });
  Result res(std::vector<at::Tensor>{out, n.mean, n.variance, n.invstd});
  res.aux = toNCHW(idx);  // as ATen's max pool gives them: NCHW sizes, h * W + w within the image
  return res;
}
TL_OP("batch_norm_relu_max_pool", batchNormReluMaxPool,
      "epsilon filterHeight filterWidth strideHeight strideWidth padTop padBottom padLeft padRight");

}  // namespace tl
