// Random numbers drawn natively, always on the CPU's generator and then copied to the current device, so that a
// seed gives the same numbers on a GPU too.
//
// random_normal: standard normal numbers from a seed of the caller's (augmentation noise draws 50,000 a batch:
// in JavaScript that costs more than the rest of the augmentation). A pure function of its attributes.
// no inputs; attrs: seed, shape
//
// dropout_mask: tfjs' dropout multiplier, floor(u + keep) / keep with u uniform in [0, 1) — 0 with probability
// 1 − keep, else 1/keep — drawn from the backend's own generator (setRandomSeed), so it is random op by op but
// the same run to run for a seed, and a captured step replays it by drawing again (capture.cc).
// no inputs; attrs: keep, shape
#include <ATen/CPUGeneratorImpl.h>
#include <napi.h>

#include "../op.h"
#include "../table.h"

namespace tl {

at::Generator& randomGenerator() {
  // Unseeded, it differs run to run, as tfjs' unseeded dropout does.
  static at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(c10::detail::getNonDeterministicRandom());
  return gen;
}

static at::Tensor onCurrentDevice(const at::Tensor& t) { return currentDevice().is_cpu() ? t : t.to(currentDevice()); }

static Result randomNormal(const Args& a) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(a.i("seed")));
  return onCurrentDevice(at::randn(a.ints("shape"), gen, at::TensorOptions().dtype(at::kFloat)));
}
TL_OP("random_normal", randomNormal, "seed shape[]");

static Result dropoutMask(const Args& a) {
  const double keep = a.f("keep");
  if (!(keep > 0 && keep <= 1)) throw std::invalid_argument("keep must be in (0, 1], got " + std::to_string(keep));
  at::Tensor u = at::rand(a.ints("shape"), randomGenerator(), at::TensorOptions().dtype(at::kFloat));
  return onCurrentDevice(u.add_(keep).floor_().div_(keep));
}
TL_RANDOM_OP("dropout_mask", dropoutMask, "keep shape[]");

// setRandomSeed(seed: a whole number in [0, 2^53)): reseeds the backend's generator.
static Napi::Value SetRandomSeed(const Napi::CallbackInfo& info) {
  const double seed = info[0].As<Napi::Number>().DoubleValue();
  if (!(seed >= 0 && seed < 9007199254740992.0 && seed == static_cast<double>(static_cast<uint64_t>(seed))))
    throw Napi::Error::New(
        info.Env(), "libtorch: the random seed must be a whole number ≥ 0, got " + info[0].ToString().Utf8Value());
  at::Generator& gen = randomGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(static_cast<uint64_t>(seed));
  return info.Env().Undefined();
}

void exportRandom(Napi::Env env, Napi::Object exports) {
  exports.Set("setRandomSeed", Napi::Function::New(env, SetRandomSeed));
}

}  // namespace tl
