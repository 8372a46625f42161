// BatchMatMul and _FusedMatMul. inputs: a, b, [bias], [prelu weights]
// attrs: transposeA, transposeB, activation, leakyreluAlpha, hasBias, hasPrelu
#include "../op.h"

namespace tl {

// A float [M,K] x [K,N] product as a 1x1 convolution, which runs on oneDNN's
// JIT kernels; ATen's matmul goes to the system BLAS, which may be the slow
// reference one (Debian's default libblas3).
static at::Tensor mmViaConv(const at::Tensor& x, const at::Tensor& y, const at::Tensor& bias) {
  int64_t m = x.size(0), k = x.size(1), n = y.size(1);
  at::Tensor input = x.contiguous().view({m, k, 1, 1});
  at::Tensor weight = y.t().contiguous().view({n, k, 1, 1});
  return at::convolution(input, weight, bias, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1).view({m, n});
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
      (!bias.defined() || (bias.dim() == 1 && bias.size(0) == y.size(-1)))) {
    at::Tensor x2 = single ? x[0] : x, y2 = single ? y[0] : y;
    out = mmViaConv(x2, y2, bias);
    if (single) out = out.unsqueeze(0);
  } else {
    out = at::matmul(x, y);
    if (hasBias) out = out + bias;
  }
  int64_t act = a.i("activation");
  if (act != 0) out = activate(out, act, a.f("leakyreluAlpha"), hasPrelu ? a.x(hasBias ? 3 : 2) : at::Tensor());
  return out;
}
TL_OP("matmul", matmul, "transposeA transposeB activation leakyreluAlpha hasBias hasPrelu");

}  // namespace tl
