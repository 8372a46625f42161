// Convolutions as one matrix product: the filter [Co, C*kh*kw] times the im2col columns [C*kh*kw, N*oh*ow]
// of the input (and its transposes for the two gradients), on oneDNN's sgemm.
//
// Why: oneDNN's direct kernels are slow when the output map is tiny (4x4 at ResNet's last stage on 28x28
// images), where a matrix product of the same size runs at ~85% of the machine's peak. ATen's own matrix
// product goes to the system BLAS, which on Debian is the reference one (a 512x1024x4608 product: 1.5-2.5 s
// vs 46 ms), so the product is oneDNN's `dnnl_sgemm`, found in the libdnnl that libtorch already loads.
//
// Measured on this project's 2-core AVX2 EPYC, batch 64, ms oneDNN (memory order as convFormat picks) vs
// ms here; first an ATen harness (best of 7, two runs), then [in brackets] inside a ResNet-18 (28) step:
//   3x3 512->512 on 4x4:         filter grad 46-93 / 37-49 [89 / 57], forward 35-51 / 34-48 [56 / 54],
//                                input grad ~46 / ~46 [56-62 / 59]
//   3x3 256->512 stride 2 to 4x4: filter grad 31-40 / 22-28 [39 / 27], forward 27-32 / 22-29 [38 / 26],
//                                input grad [36-40 / 29] (ResNet's explicit padding: 9x9 'valid')
//   1x1 256->512 stride 2 to 4x4: filter grad 11-12 / 4-5 [13 / 5], forward 12-13 / 4-5 [14 / 4],
//                                input grad [10 / 5]
//   1x1 1024->2048 stride 2 7->4 (ResNet-50): filter grad 236 / 63, forward 185 / 51
//   3x3 512->512 on 2x2:         filter grad 54-88 / 12, forward 18 / 12
//   3x3 256->256 on 4x4:         filter grad 19-20 / 18, forward 13-16 / 21-23  (oneDNN kept)
//   3x3 128->256 / 256->256 stride 2 14->7: within 5-15% either way (oneDNN kept)
//   1x1 stride 2 to 7x7 and larger maps: oneDNN up to 2.5x faster in the harness (kept)
//   3x3 128->128 on 14x14, 64->64 on 28x28: oneDNN 1.5-4x faster (im2col outgrows the caches)
// One image (batch 1, as when predicting or explaining one X-ray), where oneDNN is 8-20x slower on maps of
// 7x7 and smaller, in all three passes: 3x3 128->128 on 7x7 6 / 0.5 ms, 256->256 on 7x7 22 / 1.6, 512->512
// on 4x4 20 / 1.5, strided 256->512 to 4x4 11 / 0.7, 1x1 512->2048 on 4x4 17 / 0.9 (forward); at 14x14 and
// 28x28 within 0.3 ms either way. With two images oneDNN's forward pass is back within 25% on these sizes
// (its filter gradient is not: 512->512 on 4x4 8 / 2.4 ms, and 9 / 3.2 with four images; the rule below
// covers that one).
// Hence the rule in useGemm: one image with an output map of at most 7x7, all passes; otherwise only output
// maps of at most 4x4, and there the 1x1 strided convolutions (all three passes) and the spatial ones with a
// million weights or more (filter gradient; forward and input gradient when strided, forward also on 2x2
// maps and smaller).
#include "conv_gemm.h"

#include "../signals.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <string>

namespace tl {

ConvAlgorithm& convAlgorithm() {
  static ConvAlgorithm algorithm = ConvAlgorithm::kAuto;
  return algorithm;
}

// oneDNN's row-major sgemm: C = alpha * op(A) * op(B) + beta * C (the same signature in oneDNN 2 and 3). Looked
// up in the libdnnl that libtorch loaded (Debian's: libdnnl.so.2 under 1.13, libdnnl.so.3.6 under Debian 13's
// 2.6); an official libtorch links oneDNN in statically and hides it, and then this path is off.
using SgemmFn = int (*)(char, char, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t,
                        float, float*, int64_t);
static SgemmFn sgemmFn() {
  static SgemmFn fn = [] {
    // dlsym on this addon's own handle searches the libraries it loaded, libtorch's libdnnl among them, whatever
    // that one's soname is.
    Dl_info self;
    if (!dladdr(reinterpret_cast<void*>(&gemmAvailable), &self) || !self.dli_fname) return SgemmFn(nullptr);
    void* addon = dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    return addon ? reinterpret_cast<SgemmFn>(dlsym(addon, "dnnl_sgemm")) : nullptr;
  }();
  return fn;
}

bool gemmAvailable() { return sgemmFn() != nullptr; }

void sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
           float* c, int64_t ldc, float beta) {
  DeferSignals held;  // see signals.cc
  int status = sgemmFn()(ta, tb, m, n, k, 1.f, a, lda, b, ldb, beta, c, ldc);
  if (status != 0) throw std::runtime_error("oneDNN sgemm failed (status " + std::to_string(status) + ")");
}

ConvSizes convSizes(int64_t n, int64_t c, int64_t h, int64_t w, int64_t co, int64_t kh, int64_t kw, const ConvGeom& g) {
  // Strides or dilations below 1 are ATen's to refuse: no output here, so useGemm says no.
  if (g.sH < 1 || g.sW < 1 || g.dH < 1 || g.dW < 1) return {n, c, h, w, co, kh, kw, 0, 0};
  int64_t oh = (h + g.pT + g.pB - g.dH * (kh - 1) - 1) / g.sH + 1;
  int64_t ow = (w + g.pL + g.pR - g.dW * (kw - 1) - 1) / g.sW + 1;
  return {n, c, h, w, co, kh, kw, oh, ow};
}

bool useGemm(ConvPass pass, const ConvSizes& s, const ConvGeom& g,
             std::initializer_list<std::pair<const at::Tensor*, std::vector<int64_t>>> tensors) {
  if (hostLoopsOff() || g.depthwise || s.n < 1 || s.c < 1 || s.co < 1 || s.kh < 1 || s.kw < 1 || s.oh < 1 || s.ow < 1 ||
      !gemmAvailable())
    return false;
  // The matrix product reads host memory: on another device the convolution is ATen's (cuDNN on a GPU).
  for (const auto& [t, sizes] : tensors)
    if (!t->is_cpu() || t->scalar_type() != at::kFloat || t->sizes() != at::IntArrayRef(sizes)) return false;
  switch (convAlgorithm()) {
    case ConvAlgorithm::kOneDnn: return false;
    case ConvAlgorithm::kGemm: return true;
    case ConvAlgorithm::kAuto: break;
  }
  const int64_t positions = s.oh * s.ow;
  if (s.n == 1 && positions <= 49) return true;
  if (positions > 16) return false;
  const bool strided = g.sH > 1 || g.sW > 1;
  if (s.kh * s.kw == 1) return strided;
  if (s.c * s.co * s.kh * s.kw < (int64_t{1} << 20)) return false;
  switch (pass) {
    case ConvPass::kFilterGrad: return true;
    case ConvPass::kForward: return strided || positions <= 4;
    case ConvPass::kInputGrad: return strided;
  }
  return false;
}

// Rows of the im2col columns are filter taps: ordered (c, i, j) to match ATen's filter order (out, in, kh, kw),
// or (i, j, c) to match tfjs' row-major [kh, kw, in, out].
enum class TapOrder { kChannelFirst, kChannelLast };

static int64_t rowOf(int64_t c, int64_t i, int64_t j, const ConvSizes& s, TapOrder order) {
  return order == TapOrder::kChannelFirst ? (c * s.kh + i) * s.kw + j : (i * s.kw + j) * s.c + c;
}

// The columns [C*kh*kw, N*oh*ow]: row (c, i, j) holds, for every output position, the input value that
// filter tap (i, j) of channel c meets there (0 in the padding). Threads split the channels.
static at::Tensor im2col(const at::Tensor& x, const ConvSizes& s, const ConvGeom& g, TapOrder order) {
  at::Tensor xc = x.contiguous();
  const int64_t L = s.oh * s.ow, NL = s.n * L;
  at::Tensor cols = at::empty({s.c * s.kh * s.kw, NL}, x.options());
  const float* xp = xc.data_ptr<float>();
  float* cp = cols.data_ptr<float>();
  at::parallel_for(0, s.c, std::max<int64_t>(1, 32768 / (NL * s.kh * s.kw)), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c)
      for (int64_t i = 0; i < s.kh; ++i)
        for (int64_t j = 0; j < s.kw; ++j) {
          float* out = cp + rowOf(c, i, j, s, order) * NL;
          for (int64_t n = 0; n < s.n; ++n) {
            const float* plane = xp + (n * s.c + c) * s.h * s.w;
            for (int64_t oy = 0; oy < s.oh; ++oy, out += s.ow) {
              const int64_t iy = oy * g.sH - g.pT + i * g.dH;
              if (iy < 0 || iy >= s.h) {
                std::fill(out, out + s.ow, 0.f);
                continue;
              }
              const float* line = plane + iy * s.w;
              for (int64_t ox = 0; ox < s.ow; ++ox) {
                const int64_t ix = ox * g.sW - g.pL + j * g.dW;
                out[ox] = ix >= 0 && ix < s.w ? line[ix] : 0.f;
              }
            }
          }
        }
  });
  return cols;
}

// The inverse scatter: adds each column value back to the input position it came from. Threads split the
// channels, so no two write the same element.
static at::Tensor col2im(const at::Tensor& cols, const ConvSizes& s, const ConvGeom& g, TapOrder order) {
  const int64_t L = s.oh * s.ow, NL = s.n * L;
  at::Tensor dx = at::zeros({s.n, s.c, s.h, s.w}, cols.options());
  const float* cp = cols.data_ptr<float>();
  float* dp = dx.data_ptr<float>();
  at::parallel_for(0, s.c, std::max<int64_t>(1, 32768 / (NL * s.kh * s.kw)), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c)
      for (int64_t i = 0; i < s.kh; ++i)
        for (int64_t j = 0; j < s.kw; ++j) {
          const float* in = cp + rowOf(c, i, j, s, order) * NL;
          for (int64_t n = 0; n < s.n; ++n) {
            float* plane = dp + (n * s.c + c) * s.h * s.w;
            for (int64_t oy = 0; oy < s.oh; ++oy, in += s.ow) {
              const int64_t iy = oy * g.sH - g.pT + i * g.dH;
              if (iy < 0 || iy >= s.h) continue;
              float* line = plane + iy * s.w;
              for (int64_t ox = 0; ox < s.ow; ++ox) {
                const int64_t ix = ox * g.sW - g.pL + j * g.dW;
                if (ix >= 0 && ix < s.w) line[ix] += in[ox];
              }
            }
          }
        }
  });
  return dx;
}

// dy as a matrix over output channels and positions: [Co, N*L] (transposed = false) when its memory is
// NCHW-like, or read in place as [N*L, Co] (transposed = true) when it is channels_last.
static std::pair<at::Tensor, bool> dyMatrix(const at::Tensor& dy) {
  if (dy.is_contiguous(at::MemoryFormat::ChannelsLast) && !dy.is_contiguous()) return {dy, true};
  return {dy.permute({1, 0, 2, 3}).contiguous(), false};
}

// The filter (ATen's [Co, C, kh, kw] view) as a matrix: [Co, K] with taps (c, i, j) when its memory is in that
// order (a trained filter: conv2d_backprop_filter.cc), read in place as [K, Co] with taps (i, j, c)
// (transposed) when it is tfjs' row-major [kh, kw, in, out] (a new or loaded one), else a copy.
struct FilterMatrix {
  at::Tensor t;
  bool transposed;
  TapOrder order;
};
static FilterMatrix filterMatrix(const at::Tensor& w) {
  if (w.permute({2, 3, 1, 0}).is_contiguous() && !w.is_contiguous()) return {w, true, TapOrder::kChannelLast};
  return {w.contiguous(), false, TapOrder::kChannelFirst};
}

at::Tensor gemmConv(const at::Tensor& x, const at::Tensor& w, const ConvSizes& s, const ConvGeom& g,
                    at::MemoryFormat f) {
  FilterMatrix wm = filterMatrix(w);
  at::Tensor cols = im2col(x, s, g, wm.order);
  const int64_t NL = s.n * s.oh * s.ow, K = s.c * s.kh * s.kw;
  const float* wp = wm.t.data_ptr<float>();
  const int64_t ldw = wm.transposed ? s.co : K;
  if (f == at::MemoryFormat::ChannelsLast) {
    // y as [N*L, Co] = cols^T * w^T: NHWC memory, no copy.
    at::Tensor y = at::empty({s.n, s.co, s.oh, s.ow}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    sgemm('T', wm.transposed ? 'N' : 'T', NL, s.co, K, cols.data_ptr<float>(), NL, wp, ldw, y.data_ptr<float>(), s.co);
    return y;
  }
  at::Tensor y = at::empty({s.co, s.n, s.oh, s.ow}, x.options());
  sgemm(wm.transposed ? 'T' : 'N', 'N', s.co, NL, K, wp, ldw, cols.data_ptr<float>(), NL, y.data_ptr<float>(), NL);
  return y.permute({1, 0, 2, 3}).contiguous();
}

at::Tensor gemmConvFilterGrad(const at::Tensor& x, const at::Tensor& dy, const ConvSizes& s, const ConvGeom& g) {
  at::Tensor cols = im2col(x, s, g, TapOrder::kChannelFirst);
  auto [d, transposed] = dyMatrix(dy);
  const int64_t NL = s.n * s.oh * s.ow, K = s.c * s.kh * s.kw;
  at::Tensor dw = at::empty({s.co, s.c, s.kh, s.kw}, x.options());
  // dw [Co, K] = dy [Co, N*L] * cols^T
  sgemm(transposed ? 'T' : 'N', 'T', s.co, K, NL, d.data_ptr<float>(), transposed ? s.co : NL, cols.data_ptr<float>(),
        NL, dw.data_ptr<float>(), K);
  return dw;
}

at::Tensor gemmConvInputGrad(const at::Tensor& dy, const at::Tensor& w, const ConvSizes& s, const ConvGeom& g,
                             at::MemoryFormat f) {
  auto [d, transposed] = dyMatrix(dy);
  FilterMatrix wm = filterMatrix(w);
  const int64_t NL = s.n * s.oh * s.ow, K = s.c * s.kh * s.kw;
  at::Tensor dcols = at::empty({K, NL}, dy.options());
  // dcols [K, N*L] = w^T [K, Co] * dy [Co, N*L]
  sgemm(wm.transposed ? 'N' : 'T', transposed ? 'T' : 'N', K, NL, s.co, wm.t.data_ptr<float>(),
        wm.transposed ? s.co : K, d.data_ptr<float>(), transposed ? s.co : NL, dcols.data_ptr<float>(), NL);
  return col2im(dcols, s, g, wm.order).contiguous(f);
}

}  // namespace tl
