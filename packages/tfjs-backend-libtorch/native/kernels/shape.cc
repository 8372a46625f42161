// Layout ops: reshape, transpose, slice, concat, stack, unstack, tile, pad,
// reverse, gather, one-hot, fill. `run` makes results dense (views are copied).
#include "../op.h"

namespace tl {

// attrs: new shape
static Result reshape(const Args& a) { return a.x(0).reshape(a.rest(0)); }
TL_OP("reshape", reshape);

// attrs: permutation
static Result transpose(const Args& a) { return a.x(0).permute(a.rest(0)); }
TL_OP("transpose", transpose);

// attrs: begin (rank), size (rank)
static Result slice(const Args& a) {
  at::Tensor t = a.x(0);
  int64_t r = t.dim();
  for (int64_t d = 0; d < r; ++d) t = t.narrow(d, a.i(d), a.i(r + d));
  return t;
}
TL_OP("slice", slice);

// inputs: tensors; attrs: axis
static Result concat(const Args& a) {
  std::vector<at::Tensor> ts;
  for (size_t k = 0; k < a.in.size(); ++k) ts.push_back(a.x(k));
  return at::cat(ts, a.i(0));
}
TL_OP("concat", concat);

static Result stack(const Args& a) {
  std::vector<at::Tensor> ts;
  for (size_t k = 0; k < a.in.size(); ++k) ts.push_back(a.x(k));
  return at::stack(ts, a.i(0));
}
TL_OP("stack", stack);

static Result unstack(const Args& a) { return a.x(0).unbind(a.i(0)); }
TL_OP("unstack", unstack);

// attrs: repeats per dim
static Result tile(const Args& a) { return a.x(0).repeat(a.rest(0)); }
TL_OP("tile", tile);

// attrs: value, then (before, after) per dim, outermost first as in tfjs.
// Pads in x's memory order (an NCHW-ordered activation stays NCHW-ordered for the convolution after it).
static Result pad(const Args& a) {
  const at::Tensor& x = a.x(0);
  std::vector<int64_t> order = memoryOrder(x), back(x.dim()), p;
  for (int64_t k = x.dim() - 1; k >= 0; --k) {  // ATen lists the last dim first
    p.push_back(a.i(1 + 2 * order[k]));
    p.push_back(a.i(2 + 2 * order[k]));
    back[order[k]] = k;
  }
  return at::constant_pad_nd(x.permute(order), p, a.f(0)).permute(back);
}
TL_OP("pad", pad);

// attrs: axes
static Result reverse(const Args& a) { return at::flip(a.x(0), a.rest(0)); }
TL_OP("reverse", reverse);

// inputs: x, indices; attrs: axis. Output shape x[:axis] + indices + x[axis+1:].
static Result gather(const Args& a) {
  const at::Tensor& x = a.x(0);
  const at::Tensor& idx = a.x(1);
  int64_t axis = a.i(0);
  at::Tensor flat = at::index_select(x, axis, idx.reshape({-1}).to(at::kLong));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : idx.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return flat.reshape(shape);
}
TL_OP("gather", gather);

// inputs: indices; attrs: depth, on, off. Out-of-range indices give a row of `off`.
static Result oneHot(const Args& a) {
  at::Tensor classes = at::arange(a.i(0), a.x(0).options().dtype(at::kLong));
  at::Tensor hit = at::eq(a.x(0).to(at::kLong).unsqueeze(-1), classes);
  return at::where(hit, at::scalar_tensor(a.f(1)), at::scalar_tensor(a.f(2)));
}
TL_OP("one_hot", oneHot);

// no inputs; attrs: value, shape
static Result fill(const Args& a) { return at::full(a.rest(1), a.f(0), at::TensorOptions().dtype(at::kFloat)); }
TL_OP("fill", fill);

}  // namespace tl
