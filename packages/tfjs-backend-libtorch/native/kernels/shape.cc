// Layout ops: reshape, transpose, slice, concat, stack, unstack, split, tile, pad,
// reverse, gather, one-hot, fill. `run` makes results dense (views are copied).
#include "../op.h"

namespace tl {

static Result reshape(const Args& a) { return a.x(0).reshape(a.ints("shape")); }
TL_OP("reshape", reshape, "shape[]");

static Result transpose(const Args& a) { return a.x(0).permute(a.ints("perm")); }
TL_OP("transpose", transpose, "perm[]");

// attrs: begin and size, one entry per dim
static Result slice(const Args& a) {
  at::Tensor t = a.x(0);
  std::vector<int64_t> begin = a.ints("begin"), size = a.ints("size");
  TORCH_CHECK(begin.size() == static_cast<size_t>(t.dim()) && size.size() == begin.size(),
              "begin and size must have one entry per dim");
  for (int64_t d = 0; d < t.dim(); ++d) t = t.narrow(d, begin[d], size[d]);
  return t;
}
TL_OP("slice", slice, "begin[] size[]");

// inputs: tensors; attrs: axis
static Result concat(const Args& a) {
  std::vector<at::Tensor> ts;
  for (size_t k = 0; k < a.in.size(); ++k) ts.push_back(a.x(k));
  return at::cat(ts, a.i("axis"));
}
TL_OP("concat", concat, "axis");

// inputs: tensors; attrs: axis (a new one)
static Result stack(const Args& a) {
  std::vector<at::Tensor> ts;
  for (size_t k = 0; k < a.in.size(); ++k) ts.push_back(a.x(k));
  return at::stack(ts, a.i("axis"));
}
TL_OP("stack", stack, "axis");

static Result unstack(const Args& a) { return a.x(0).unbind(a.i("axis")); }
TL_OP("unstack", unstack, "axis");

// attrs: sizes, one per output, summing to x's size along axis (tfjs' SplitV)
static Result split(const Args& a) { return a.x(0).split_with_sizes(a.ints("sizes"), a.i("axis")); }
TL_OP("split", split, "sizes[] axis");

// attrs: reps, the repeats per dim
static Result tile(const Args& a) { return a.x(0).repeat(a.ints("reps")); }
TL_OP("tile", tile, "reps[]");

// attrs: value, paddings: (before, after) per dim, outermost first as in tfjs.
// Pads in x's memory order (an NCHW-ordered activation stays NCHW-ordered for the convolution after it).
static Result pad(const Args& a) {
  const at::Tensor& x = a.x(0);
  std::vector<int64_t> paddings = a.ints("paddings");
  TORCH_CHECK(paddings.size() == 2 * static_cast<size_t>(x.dim()), "paddings must have two entries per dim");
  std::vector<int64_t> order = memoryOrder(x), back(x.dim()), p;
  for (int64_t k = x.dim() - 1; k >= 0; --k) {  // ATen lists the last dim first
    p.push_back(paddings[2 * order[k]]);
    p.push_back(paddings[2 * order[k] + 1]);
    back[order[k]] = k;
  }
  return at::constant_pad_nd(x.permute(order), p, a.f("value")).permute(back);
}
TL_OP("pad", pad, "value paddings[]");

static Result reverse(const Args& a) { return at::flip(a.x(0), a.ints("axes")); }
TL_OP("reverse", reverse, "axes[]");

// inputs: x, indices; attrs: axis. Output shape x[:axis] + indices + x[axis+1:].
static Result gather(const Args& a) {
  const at::Tensor& x = a.x(0);
  const at::Tensor& idx = a.x(1);
  int64_t axis = a.i("axis");
  at::Tensor flat = at::index_select(x, axis, idx.reshape({-1}).to(at::kLong));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : idx.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return flat.reshape(shape);
}
TL_OP("gather", gather, "axis");

// inputs: indices; attrs: depth, onValue, offValue. Out-of-range indices give a row of offValue.
static Result oneHot(const Args& a) {
  const at::Tensor& labels = a.x(0);
  const int64_t depth = a.i("depth");
  // Class labels on the host: one loop, where the composition below is six ATen ops (~30 us for 64 labels, in
  // every training step's loss).
  if (hostLoops(labels) && labels.scalar_type() == at::kInt && labels.is_contiguous() && depth > 0) {
    std::vector<int64_t> shape = labels.sizes().vec();
    shape.push_back(depth);
    at::Tensor out = at::full(shape, static_cast<float>(a.f("offValue")), labels.options().dtype(at::kFloat));
    const float on = static_cast<float>(a.f("onValue"));
    const int32_t* l = labels.data_ptr<int32_t>();
    float* o = out.data_ptr<float>();
    for (int64_t i = 0, n = labels.numel(); i < n; ++i)
      if (l[i] >= 0 && l[i] < depth) o[i * depth + l[i]] = on;
    return out;
  }
  at::Tensor classes = at::arange(a.i("depth"), a.x(0).options().dtype(at::kLong));
  at::Tensor hit = at::eq(a.x(0).to(at::kLong).unsqueeze(-1), classes);
  at::TensorOptions scalar = at::TensorOptions().device(hit.device());
  return at::where(hit, at::scalar_tensor(a.f("onValue"), scalar), at::scalar_tensor(a.f("offValue"), scalar));
}
TL_OP("one_hot", oneHot, "depth onValue offValue");

// no inputs; attrs: value, shape
static Result fill(const Args& a) { return at::full(a.ints("shape"), a.f("value"), onDevice(at::kFloat)); }
TL_OP("fill", fill, "value shape[]");

}  // namespace tl
