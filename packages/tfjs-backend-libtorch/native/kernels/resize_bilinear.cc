// ResizeBilinear and ResizeBilinearGrad with TF's three sampling conventions
// (legacy, align_corners, half_pixel_centers), done separably: per axis a
// pair of source indices and a blend weight, gathered with index_select and
// scattered back with index_add for the gradient.
#include <cmath>

#include "../op.h"

namespace tl {

struct AxisMap {
  at::Tensor lo, hi, w;  // [out] long, long, float
};

// The tables are built on the host and copied to `device` (the images' device).
static AxisMap axisMap(int64_t in, int64_t out, bool align, bool half, const c10::Device& device) {
  double scale = (align && out > 1) ? double(in - 1) / double(out - 1) : double(in) / double(out);
  std::vector<int64_t> lo(out), hi(out);
  std::vector<float> w(out);
  for (int64_t d = 0; d < out; ++d) {
    double src = half ? (d + 0.5) * scale - 0.5 : d * scale;
    double f = std::floor(src);
    lo[d] = std::max<int64_t>(static_cast<int64_t>(f), 0);
    hi[d] = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
    w[d] = static_cast<float>(src - f);
  }
  return {at::tensor(lo).to(device), at::tensor(hi).to(device), at::tensor(w).to(device)};
}

// Blend along `dim` of x: x[lo] + (x[hi] - x[lo]) * w
static at::Tensor blend(const at::Tensor& x, int64_t dim, const AxisMap& m) {
  std::vector<int64_t> shape(x.dim(), 1);
  shape[dim] = -1;
  at::Tensor a = x.index_select(dim, m.lo), b = x.index_select(dim, m.hi);
  return a + (b - a) * m.w.view(shape);
}

// Transpose of blend: scatter g (out along dim) back onto `in` positions.
static at::Tensor blendGrad(const at::Tensor& g, int64_t dim, int64_t in, const AxisMap& m) {
  std::vector<int64_t> shape(g.dim(), 1), outShape = g.sizes().vec();
  shape[dim] = -1;
  outShape[dim] = in;
  at::Tensor w = m.w.view(shape);
  at::Tensor r = at::zeros(outShape, g.options());
  r.index_add_(dim, m.lo, g * (1 - w));
  r.index_add_(dim, m.hi, g * w);
  return r;
}

// inputs: images NHWC; attrs: outHeight, outWidth, alignCorners, halfPixelCenters
static Result resizeBilinear(const Args& a) {
  at::Tensor x = a.x(0).to(at::kFloat);
  bool align = a.b("alignCorners"), half = a.b("halfPixelCenters");
  AxisMap mh = axisMap(x.size(1), a.i("outHeight"), align, half, x.device()),
          mw = axisMap(x.size(2), a.i("outWidth"), align, half, x.device());
  return blend(blend(x, 1, mh), 2, mw);
}
TL_OP("resize_bilinear", resizeBilinear, "outHeight outWidth alignCorners halfPixelCenters");

// inputs: dy NHWC, images NHWC (for the input size); attrs: alignCorners, halfPixelCenters
static Result resizeBilinearGrad(const Args& a) {
  const at::Tensor& dy = a.x(0);
  const at::Tensor& x = a.x(1);
  bool align = a.b("alignCorners"), half = a.b("halfPixelCenters");
  AxisMap mh = axisMap(x.size(1), dy.size(1), align, half, dy.device()),
          mw = axisMap(x.size(2), dy.size(2), align, half, dy.device());
  return blendGrad(blendGrad(dy, 2, x.size(2), mw), 1, x.size(1), mh);
}
TL_OP("resize_bilinear_grad", resizeBilinearGrad, "alignCorners halfPixelCenters");

}  // namespace tl
