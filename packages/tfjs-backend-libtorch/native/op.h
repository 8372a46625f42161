// Shared declarations of the native layer: the tensor table entry, the op
// arguments with their named attributes and the op registry that each kernel file adds itself to.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tl {

// One tfjs data buffer. `aux` carries per-output side data (max-pool indices)
// that the matching gradient kernel can reuse instead of recomputing it.
struct Entry {
  at::Tensor t;
  at::Tensor aux;
};

// One attribute of an op: a number, or (declared with a trailing "[]") a list of numbers.
struct AttrSpec {
  std::string name;
  bool list;
};

struct OpDef;

// Inputs (table entries) and the named attributes of one op call. Kernels read attributes by the names
// their op declares (TL_OP); JS sends them as flat numbers in the declared order, a list as its length
// and then its values (src/native_ops.ts holds the same names, checked against the addon at load).
class Args {
 public:
  std::vector<Entry*> in;
  const at::Tensor& x(size_t k) const { return in.at(k)->t; }

  // Takes the flat attribute values of `op`; throws when they do not fit its declared attributes.
  void setAttrs(const OpDef& op, std::vector<double> values);

  double f(const char* name) const { return values_[scalar(name)]; }
  int64_t i(const char* name) const { return static_cast<int64_t>(f(name)); }
  bool b(const char* name) const { return f(name) != 0; }
  std::vector<int64_t> ints(const char* name) const;

 private:
  size_t find(const char* name, bool list) const;
  size_t scalar(const char* name) const { return start_[find(name, false)]; }
  const OpDef* op_ = nullptr;
  std::vector<double> values_;
  std::vector<size_t> start_;  // per declared attribute: where its value (a list: its first value) is
};

// Outputs keep their memory order, row-major or not (`run` makes them dense): activations stay in the
// order the convolutions write, filters in the order their gradients come in. Kernels that read raw
// memory make their inputs contiguous first; `read` copies out row-major.
struct Result {
  std::vector<at::Tensor> out;
  at::Tensor aux;  // attached to out[0] when defined
  Result(at::Tensor t) : out{std::move(t)} {}
  Result(std::vector<at::Tensor> v) : out(std::move(v)) {}
};

using OpFn = Result (*)(const Args&);
struct OpDef {
  const char* name;
  OpFn fn;
  std::vector<AttrSpec> attrs;
  // Draws from the backend's generator (randomGenerator()): not a pure function of its inputs and attributes,
  // so a captured step always runs it, in its place, on replay (capture.cc).
  bool random = false;
};

std::vector<OpDef>& registry();
// `attrs`: the op's attribute names separated by spaces, lists marked with "[]" ("keepDims axes[]").
struct Register {
  Register(const char* name, OpFn fn, const char* attrs, bool random = false);
};

// The backend's own random number generator (ATen's CPU generator, seeded by setRandomSeed; random.cc). Ops
// marked random draw from it, on the CPU on every device, so that a seed gives the same numbers everywhere.
at::Generator& randomGenerator();

// NHWC <-> NCHW views, never a copy. tfjs sees every image tensor as NHWC; its memory may be in
// either order (NHWC memory permuted to NCHW has channels_last strides), and ATen's kernels take both.
inline at::Tensor toNCHW(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }
inline at::Tensor toNHWC(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}); }

// The device every new tensor is created on, set once from JS (setDevice; the CPU by default). Kernels that
// make tensors of their own (fill, random numbers, index tables) put them there; the inputs of every op
// must already be there (`run` checks), so nothing is copied between devices behind the caller's back.
c10::Device& currentDevice();
// Options for a new tensor of `type` on the current device.
inline at::TensorOptions onDevice(at::ScalarType type) {
  return at::TensorOptions().dtype(type).device(currentDevice());
}
// Whether a kernel with a loop over host memory runs that loop for `t`: on the CPU, unless the ATen
// formulation that other devices take is asked for on the CPU too (setHostLoops(false): tests check that
// formulation against the loops without a GPU).
bool& hostLoopsOff();
inline bool hostLoops(const at::Tensor& t) { return t.is_cpu() && !hostLoopsOff(); }
// Throws, naming the kernel, when `t` is not in host memory: for the kernels that loop over raw memory and
// have no ATen formulation for other devices yet.
void requireCpu(const at::Tensor& t, const char* kernel);

// How convolutions choose their memory order (see convFormat in conv_common.h).
enum class ConvLayout { kAuto = 0, kChannelsLast = 1, kNchw = 2, kMixed = 3 };
ConvLayout& convLayout();

// The permutation that lists t's dims from its largest stride to its smallest: its memory order.
std::vector<int64_t> memoryOrder(const at::Tensor& t);
// t itself when it is dense, else a dense copy in t's memory order (row-major when t broadcasts).
at::Tensor dense(const at::Tensor& t);

// Applies a fused activation, with the codes of ACTIVATIONS in src/kernel_utils.ts.
at::Tensor activate(const at::Tensor& x, int64_t code, double alpha, const at::Tensor& prelu);

}  // namespace tl

#define TL_CAT2(a, b) a##b
#define TL_CAT(a, b) TL_CAT2(a, b)
// Registers op `name`, run by `fn`, with its attributes (see Register).
#define TL_OP(name, fn, attrs) static ::tl::Register TL_CAT(tl_reg_, __LINE__)(name, fn, attrs)
// Registers op `name` that draws from randomGenerator() (see OpDef::random).
#define TL_RANDOM_OP(name, fn, attrs) static ::tl::Register TL_CAT(tl_reg_, __LINE__)(name, fn, attrs, true)
