// The forward pass of convolutions with few filter taps per output channel (C * kh * kw <= 32: the first layer
// on a grayscale or RGB image), as a direct loop over the output. oneDNN's kernels block input channels in eights
// or sixteens; with one channel they run at a fifth of the CPU's rate (SimpleCNN's 3x3 1 -> 16 over 64 28x28
// images: 0.35-0.47 ms, 41 GFLOP/s, against 275 GFLOP/s for its 16 -> 32 layer).
#include "conv_direct.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "simd.h"

namespace tl {

namespace {

constexpr int64_t kMaxTaps = 32;

// One output row: out[ow, co] = sum over taps of in[...] * w[tap, co] (+ bias), from an image zero-padded on every
// side (`padded`: rows of Wp positions of C values), four output positions at a time (four chains of additions),
// 16 channels at a time; the channels past the last 16 one by one, in the same order of taps.
TL_VECTOR_CLONES void directRow(const float* padded, const int64_t* tapOffset, int64_t taps, int64_t step,
                                int64_t positions, const float* w, const float* bias, int64_t Co, float* out) {
  int64_t c0 = 0;
  for (; c0 + 16 <= Co; c0 += 16) {
    const F16 b = bias ? loadF16(bias + c0) : F16{};
    int64_t ow = 0;
    for (; ow + 4 <= positions; ow += 4) {
      const float* p = padded + ow * step;
      F16 a0 = {}, a1 = {}, a2 = {}, a3 = {};
      for (int64_t t = 0; t < taps; ++t) {
        const F16 wt = loadF16(w + t * Co + c0);
        const float* q = p + tapOffset[t];
        a0 += q[0] * wt;
        a1 += q[step] * wt;
        a2 += q[2 * step] * wt;
        a3 += q[3 * step] * wt;
      }
      storeF16(out + ow * Co + c0, a0 + b);
      storeF16(out + (ow + 1) * Co + c0, a1 + b);
      storeF16(out + (ow + 2) * Co + c0, a2 + b);
      storeF16(out + (ow + 3) * Co + c0, a3 + b);
    }
    for (; ow < positions; ++ow) {
      const float* p = padded + ow * step;
      F16 a = {};
      for (int64_t t = 0; t < taps; ++t) a += p[tapOffset[t]] * loadF16(w + t * Co + c0);
      storeF16(out + ow * Co + c0, a + b);
    }
  }
  for (; c0 < Co; ++c0)
    for (int64_t ow = 0; ow < positions; ++ow) {
      const float* p = padded + ow * step;
      float a = 0;
      for (int64_t t = 0; t < taps; ++t) a += p[tapOffset[t]] * w[t * Co + c0];
      out[ow * Co + c0] = a + (bias ? bias[c0] : 0.f);
    }
}

}  // namespace

bool useDirect(const ConvSizes& s, const ConvGeom& g, const at::Tensor& x, const at::Tensor& w) {
  if (hostLoopsOff() || convAlgorithm() != ConvAlgorithm::kAuto || g.depthwise || s.oh < 1 || s.ow < 1) return false;
  if (!x.is_cpu() || x.scalar_type() != at::kFloat || w.scalar_type() != at::kFloat || x.dim() != 4 || w.dim() != 4)
    return false;
  if (w.size(2) != x.size(3) || w.sizes() != at::IntArrayRef({s.kh, s.kw, s.c, s.co})) return false;
  return s.c * s.kh * s.kw <= kMaxTaps && s.co >= 8;
}

at::Tensor directConv(const at::Tensor& xIn, const at::Tensor& wIn, const at::Tensor& biasIn, const ConvSizes& s,
                      const ConvGeom& g) {
  const at::Tensor x = xIn.contiguous(), w = wIn.contiguous();
  const at::Tensor bias = biasIn.defined() ? biasIn.to(at::kFloat).contiguous() : at::Tensor();
  // The padded image holds every position a tap reads, and zeros where the padding is.
  const int64_t Hp = (s.oh - 1) * g.sH + (s.kh - 1) * g.dH + 1, Wp = (s.ow - 1) * g.sW + (s.kw - 1) * g.dW + 1;
  at::Tensor y = at::empty({s.n, s.oh, s.ow, s.co}, x.options());
  const float *px = x.data_ptr<float>(), *pw = w.data_ptr<float>(),
              *pb = bias.defined() ? bias.data_ptr<float>() : nullptr;
  float* py = y.data_ptr<float>();
  const int64_t C = s.c, H = s.h, W = s.w, taps = s.kh * s.kw * C;
  // Where each tap (i, j, c: the order of the filter's rows) reads, from an output position's first.
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i < s.kh; ++i)
    for (int64_t j = 0; j < s.kw; ++j)
      for (int64_t c = 0; c < C; ++c) offsets.push_back((i * g.dH * Wp + j * g.dW) * C + c);
  at::parallel_for(0, s.n * s.oh, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, s.ow * s.co)),
                   [&](int64_t b, int64_t e) {
                     std::vector<float> padded(Hp * Wp * C);
                     int64_t image = -1;
                     for (int64_t k = b; k < e; ++k) {
                       const int64_t n = k / s.oh, oh = k % s.oh;
                       if (n != image) {
                         image = n;
                         std::fill(padded.begin(), padded.end(), 0.f);
                         for (int64_t h = 0; h < H; ++h) {
                           // Rows and columns past what the taps read (a stride that skips the last ones) are left out.
                           const int64_t ph = h + g.pT, w1 = std::min<int64_t>(W, Wp - g.pL);
                           if (ph >= Hp) break;
                           if (w1 > 0)
                             std::copy(px + (n * H + h) * W * C, px + ((n * H + h) * W + w1) * C,
                                       padded.data() + (ph * Wp + g.pL) * C);
                         }
                       }
                       directRow(padded.data() + oh * g.sH * Wp * C, offsets.data(), taps, g.sW * C, s.ow, pw, pb, s.co,
                                 py + k * s.ow * s.co);
                     }
                   });
  return y;
}

}  // namespace tl
