// Fused activations of FusedConv2D / FusedDepthwiseConv2D / _FusedMatMul.
#include "../op.h"

namespace tl {

// Codes match ACTIVATIONS in src/kernel_utils.ts.
at::Tensor activate(const at::Tensor& x, int64_t code, double alpha, const at::Tensor& prelu) {
  switch (code) {
    case 0: return x;                               // linear
    case 1: return at::relu(x);                     // relu
    case 2: return at::clamp(x, 0, 6);              // relu6
    case 3: return at::elu(x);                      // elu
    case 4: return at::sigmoid(x);                  // sigmoid
    case 5: return at::leaky_relu(x, alpha);        // leakyrelu
    case 6: return at::where(x > 0, x, x * prelu);  // prelu (weights broadcast)
  }
  throw std::runtime_error("unknown activation code " + std::to_string(code));
}

}  // namespace tl
