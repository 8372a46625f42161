// Standard normal numbers from ATen's generator, seeded by the caller, so the
// same seed gives the same numbers (augmentation noise draws 50,000 a batch:
// in JavaScript that costs more than the rest of the augmentation). Drawn on the CPU's generator on every
// device, so that a seed gives the same numbers on a GPU too, then copied to the current device.
// no inputs; attrs: seed, shape
#include <ATen/CPUGeneratorImpl.h>

#include "../op.h"

namespace tl {

static Result randomNormal(const Args& a) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(a.i("seed")));
  at::Tensor z = at::randn(a.ints("shape"), gen, at::TensorOptions().dtype(at::kFloat));
  return currentDevice().is_cpu() ? z : z.to(currentDevice());
}
TL_OP("random_normal", randomNormal, "seed shape[]");

}  // namespace tl
