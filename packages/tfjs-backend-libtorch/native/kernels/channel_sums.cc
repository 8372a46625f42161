// Per-channel sums (channel_sums.h).
#include "channel_sums.h"

#include <ATen/Parallel.h>

#include <algorithm>

#include "simd.h"

namespace tl {

ChannelLayout channelLayout(const at::Tensor& t) {
  const int64_t C = t.size(-1);
  if (t.dim() == 4 && !t.is_contiguous() && toNCHW(t).is_contiguous())
    return {t.size(0), C, t.size(1) * t.size(2), true};
  return {t.numel() / C, C, 1, false};
}

at::Tensor inChannelLayout(const at::Tensor& x) {
  if (x.is_contiguous() || (x.dim() == 4 && toNCHW(x).is_contiguous())) return x;
  return x.contiguous();
}

int64_t blockRows(int64_t C) { return std::max<int64_t>(1, 16384 / C); }

namespace {

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

}  // namespace

std::pair<std::vector<double>, std::vector<double>> channelSums(const at::Tensor& a, const at::Tensor& b,
                                                                const std::vector<double>& mean) {
  const ChannelLayout l = channelLayout(a);
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

}  // namespace tl
