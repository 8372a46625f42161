// Shared declarations of the native layer: the tensor table entry, the op
// argument bundle and the op registry that each kernel file adds itself to.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace tl {

// One tfjs data buffer. `aux` carries per-output side data (max-pool indices)
// that the matching gradient kernel can reuse instead of recomputing it.
struct Entry {
  at::Tensor t;
  at::Tensor aux;
};

// Inputs (table entries) and flat numeric attributes of one op call.
struct Args {
  std::vector<Entry*> in;
  std::vector<double> a;
  const at::Tensor& x(size_t k) const { return in.at(k)->t; }
  int64_t i(size_t k) const { return static_cast<int64_t>(a.at(k)); }
  double f(size_t k) const { return a.at(k); }
  bool b(size_t k) const { return a.at(k) != 0; }
  std::vector<int64_t> ivec(size_t from, size_t n) const {
    std::vector<int64_t> v;
    for (size_t k = 0; k < n; ++k) v.push_back(i(from + k));
    return v;
  }
  // The attributes from `from` to the end, as integers.
  std::vector<int64_t> rest(size_t from) const { return ivec(from, a.size() - from); }
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
};

std::vector<OpDef>& registry();
struct Register {
  Register(const char* name, OpFn fn) { registry().push_back({name, fn}); }
};

// NHWC <-> NCHW views, never a copy. tfjs sees every image tensor as NHWC; its memory may be in
// either order (NHWC memory permuted to NCHW has channels_last strides), and ATen's kernels take both.
inline at::Tensor toNCHW(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }
inline at::Tensor toNHWC(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}); }

// How convolutions choose their memory order (see convFormat in conv_common.h).
enum class ConvLayout { kAuto = 0, kChannelsLast = 1, kNchw = 2 };
ConvLayout& convLayout();

// The permutation that lists t's dims from its largest stride to its smallest: its memory order.
std::vector<int64_t> memoryOrder(const at::Tensor& t);
// t itself when it is dense, else a dense copy in t's memory order (row-major when t broadcasts).
at::Tensor dense(const at::Tensor& t);

// Applies a fused activation, with the codes of src/activation.ts.
at::Tensor activate(const at::Tensor& x, int64_t code, double alpha, const at::Tensor& prelu);

}  // namespace tl

#define TL_CAT2(a, b) a##b
#define TL_CAT(a, b) TL_CAT2(a, b)
#define TL_OP(name, fn) static ::tl::Register TL_CAT(tl_reg_, __LINE__)(name, fn)
