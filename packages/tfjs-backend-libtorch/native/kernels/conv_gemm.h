// Convolutions as one matrix product over im2col columns, for the small output maps where oneDNN's
// direct kernels are slow (conv_gemm.cc has the measurements and the rule).
#pragma once
#include "conv_common.h"

namespace tl {

// Which algorithm convolutions use: the rule below, oneDNN's direct kernels (through ATen) always, or the
// matrix product always (for tests and for machines where it wins more often).
enum class ConvAlgorithm { kAuto = 0, kOneDnn = 1, kGemm = 2 };
ConvAlgorithm& convAlgorithm();
// Whether the matrix product is available (oneDNN's sgemm found; see conv_gemm.cc).
bool gemmAvailable();
// oneDNN's row-major sgemm, C = op(A) * op(B) + beta * C (call only when gemmAvailable()); throws on failure.
void sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
           float* c, int64_t ldc, float beta = 0.f);

enum class ConvPass { kForward, kFilterGrad, kInputGrad };

// The sizes of one convolution: input N x C x H x W (unpadded), filter Co x C x kh x kw, output oh x ow.
struct ConvSizes {
  int64_t n, c, h, w, co, kh, kw, oh, ow;
};
ConvSizes convSizes(int64_t n, int64_t c, int64_t h, int64_t w, int64_t co, int64_t kh, int64_t kw, const ConvGeom& g);

// Whether this pass of this (non-depthwise) convolution runs as a matrix product. `tensors` are its
// tfjs-side operands with the sizes they must have ([n, h, w, c] input, [n, oh, ow, co] gradient,
// [kh, kw, c, co] filter): any other size or a non-float type leaves the call to ATen, which says what is wrong.
bool useGemm(ConvPass pass, const ConvSizes& s, const ConvGeom& g,
             std::initializer_list<std::pair<const at::Tensor*, std::vector<int64_t>>> tensors);

// y = conv(x, w): x an NCHW view (any memory order), w ATen's [Co, C, kh, kw]; y NCHW in memory order `f`.
at::Tensor gemmConv(const at::Tensor& x, const at::Tensor& w, const ConvSizes& s, const ConvGeom& g,
                    at::MemoryFormat f);
// dL/dw as ATen's [Co, C, kh, kw], row-major, from x and dy (NCHW views).
at::Tensor gemmConvFilterGrad(const at::Tensor& x, const at::Tensor& dy, const ConvSizes& s, const ConvGeom& g);
// dL/dx (NCHW, unpadded, memory order `f`) from dy (an NCHW view) and w ([Co, C, kh, kw]).
at::Tensor gemmConvInputGrad(const at::Tensor& dy, const at::Tensor& w, const ConvSizes& s, const ConvGeom& g,
                             at::MemoryFormat f);

}  // namespace tl
