// BatchMatMul and _FusedMatMul. inputs: a, b, [bias], [prelu weights]
// attrs: transposeA, transposeB, activation, leakyreluAlpha, hasBias, hasPrelu
#include "../op.h"
#include "../signals.h"
#include "../threads.h"
#include "conv_gemm.h"

namespace tl {

// Multiply-adds below which a product runs on one thread (see mmViaGemm).
constexpr int64_t kSmallProduct = 1 << 18;

// How a matrix view is handed to a row-major sgemm: its data, 'N' or 'T', and its leading dimension.
struct GemmOperand {
  at::Tensor t;  // keeps a copy alive when one was needed
  char trans;
  int64_t ld;
};

static GemmOperand gemmOperand(const at::Tensor& m) {
  // A row-major matrix, or the transpose of one (a transposed view, as the gradients of a product ask for),
  // is read in place; anything else is copied once.
  if (m.stride(1) == 1 && m.stride(0) >= std::max<int64_t>(1, m.size(1))) return {m, 'N', m.stride(0)};
  if (m.stride(0) == 1 && m.stride(1) >= std::max<int64_t>(1, m.size(0))) return {m, 'T', m.stride(1)};
  at::Tensor c = m.contiguous();
  return {c, 'N', std::max<int64_t>(1, c.size(1))};
}

// A float [M,K] x [K,N] (+ bias [N]) product on oneDNN's sgemm. Why not ATen's at::mm: on Debian it goes to
// the system BLAS, which is the reference one unless OpenBLAS is installed (a 1576x768x3072 product of
// ViT-B/16: seconds), and ATen's oneDNN 1x1 convolution, used here before, ran ViT-B/16's products at
// 38-116 GFLOP/s where a BLAS product runs at 165-190 (this project's 2-core EPYC).
static at::Tensor mmViaGemm(const at::Tensor& x, const at::Tensor& y, const at::Tensor& bias) {
  int64_t m = x.size(0), k = x.size(1), n = y.size(1);
  GemmOperand a = gemmOperand(x), b = gemmOperand(y);
  // A small product runs on this thread alone: oneDNN otherwise wakes the others for it, which took longer than the
  // product (a classifier's 64 x 128 x 2: 45-90 us a call on this project's 2-core EPYC).
  OneThreadIf alone(m * n * k < kSmallProduct);
  at::Tensor out;
  if (bias.defined()) {
    out = bias.reshape({1, n}).expand({m, n}).contiguous();
  } else {
    out = at::empty({m, n}, x.options());
  }
  sgemm(a.trans, b.trans, m, n, k, a.t.data_ptr<float>(), a.ld, b.t.data_ptr<float>(), b.ld, out.data_ptr<float>(),
        std::max<int64_t>(1, n), bias.defined() ? 1.f : 0.f);
  return out;
}

static Result matmul(const Args& a) {
  at::Tensor x = a.b("transposeA") ? a.x(0).transpose(-1, -2) : a.x(0);
  at::Tensor y = a.b("transposeB") ? a.x(1).transpose(-1, -2) : a.x(1);
  bool hasBias = a.b("hasBias"), hasPrelu = a.b("hasPrelu");
  at::Tensor bias = hasBias ? a.x(2) : at::Tensor();
  // tfjs hands matrices over as [1, M, K] batches.
  bool single = x.dim() == 3 && y.dim() == 3 && x.size(0) == 1 && y.size(0) == 1;
  at::Tensor out;
  if ((x.dim() == 2 || single) && x.scalar_type() == at::kFloat && y.scalar_type() == at::kFloat &&
      x.size(-1) == y.size(-2) && x.numel() > 0 && y.numel() > 0 && hostLoops(x) && hostLoops(y) && gemmAvailable() &&
      (!bias.defined() ||
       (hostLoops(bias) && bias.scalar_type() == at::kFloat && bias.dim() == 1 && bias.size(0) == y.size(-1)))) {
    at::Tensor x2 = single ? x[0] : x, y2 = single ? y[0] : y;
    out = mmViaGemm(x2, y2, bias);
    if (single) out = out.unsqueeze(0);
  } else {
    // ATen's own products (the batched ones) run on oneDNN's sgemm too, so signals wait for them as sgemm() makes
    // them wait for ours (signals.cc).
    DeferSignals held;
    out = at::matmul(x, y);
    if (hasBias) out = out + bias;
  }
  int64_t act = a.i("activation");
  if (act != 0) out = activate(out, act, a.f("leakyreluAlpha"), hasPrelu ? a.x(hasBias ? 3 : 2) : at::Tensor());
  return out;
}
TL_OP("matmul", matmul, "transposeA transposeB activation leakyreluAlpha hasBias hasPrelu");

}  // namespace tl
