// BatchNorm in training, forward and backward, each in one call, where tfjs-layers composes moments,
// normalisation, and their gradients from some twenty small kernels per layer. Channels are the last axis: x is
// NHWC (in either memory order) or [N, C].
//
// On the CPU, float values go through our own loops: ATen's kernels take 7x the time of a copy for SimpleCNN's
// 64x28x28x16 activations (0.34 ms forward, 0.49 ms backward on 2 threads, against 0.05 ms for a copy). Each
// loop makes one pass over memory per sum or result, vectorised over the channels (channels-last memory) or
// over a plane (NCHW memory); the sums are channel_sums.h's (in double, the same whatever the thread count).
// Elsewhere (a GPU; setHostLoops(false)) ATen's own kernels run.
//
// Captured steps also fuse a BatchNorm, its ReLU and a max pool of windows that tile the image into one pass
// (batch_norm_relu_max_pool, native/capture.cc): it computes each value with the same expressions as the plain
// ops, so a captured and a plain step agree bit for bit.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../op.h"
#include "channel_sums.h"
#include "pool_loops.h"
#include "simd.h"

namespace tl {

namespace {

at::Tensor channelsSecond(const at::Tensor& t) { return t.dim() == 4 ? toNCHW(t) : t; }
at::Tensor channelsLast(const at::Tensor& t) { return t.dim() == 4 ? toNHWC(t) : t; }

// An empty tensor with x's shape and memory order.
at::Tensor emptyLike(const at::Tensor& x, const ChannelLayout& l) {
  if (!l.planes) return at::empty(x.sizes(), x.options());
  return toNHWC(at::empty({x.size(0), l.C, x.size(1), x.size(2)}, x.options()));
}

bool ownLoops(const at::Tensor& x) { return hostLoops(x) && x.scalar_type() == at::kFloat; }

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
  const ChannelLayout l = channelLayout(x);
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

// gamma and beta of x's C channels: each op that takes them checks before any path reads them (1.13's ATen batch
// norm did not refuse a gamma of the wrong size on the CPU).
void checkAffine(int64_t C, const at::Tensor& gamma, const at::Tensor& beta) {
  TORCH_CHECK(gamma.numel() == C && beta.numel() == C, "batch norm: gamma and beta need ", C, " values (x's channels)");
}

// Call after checkAffine.
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
  checkAffine(C, gamma, beta);
  if (ownLoops(x)) {
    x = inChannelLayout(x);
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
  // Checked before either path reads them.
  TORCH_CHECK(a.x(0).sizes() == a.x(1).sizes() && a.x(1).dim() >= 1, "batch norm gradient: dy and x need one shape");
  const int64_t channels = a.x(1).size(-1);
  TORCH_CHECK(a.x(2).numel() == channels && a.x(3).numel() == channels && a.x(4).numel() == channels,
              "batch norm gradient: gamma, mean and invstd need ", channels, " values (x's channels)");
  if (ownLoops(a.x(1)) && a.x(0).scalar_type() == at::kFloat) {
    at::Tensor x = inChannelLayout(a.x(1));
    const ChannelLayout l = channelLayout(x);
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
  checkAffine(C, gamma, beta);
  x = inChannelLayout(x);
  Normalisation n = normalisation(x, gamma, beta, a.f("epsilon"));
  if (channelLayout(x).planes) {
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
  const NormReluPoolBand band = poolLoops().normReluPool;
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
