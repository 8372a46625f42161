// MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad on NHWC tensors.
// attrs: POOL_GEOMETRY_ATTRS
#include <limits>

#include "../op.h"

namespace tl {

#define POOL_GEOMETRY_ATTRS "filterHeight filterWidth strideHeight strideWidth padTop padBottom padLeft padRight"

struct PoolGeom {
  int64_t kH, kW, sH, sW, pT, pB, pL, pR;
  explicit PoolGeom(const Args& a)
      : kH(a.i("filterHeight")),
        kW(a.i("filterWidth")),
        sH(a.i("strideHeight")),
        sW(a.i("strideWidth")),
        pT(a.i("padTop")),
        pB(a.i("padBottom")),
        pL(a.i("padLeft")),
        pR(a.i("padRight")) {}
  // ATen pools pad symmetrically and at most half the window; otherwise pad the input ourselves.
  bool atenPads() const { return pT == pB && pL == pR && pT <= kH / 2 && pL <= kW / 2; }
  std::vector<int64_t> pad() const { return atenPads() ? std::vector<int64_t>{pT, pL} : std::vector<int64_t>{0, 0}; }
  at::Tensor input(const at::Tensor& nhwc, double fill) const {
    at::Tensor v = toNCHW(nhwc);
    if (atenPads()) return v;
    return at::constant_pad_nd(v, {pL, pR, pT, pB}, fill).contiguous(v.suggest_memory_format());
  }
  at::Tensor unpad(const at::Tensor& g) const {
    if (atenPads()) return g;
    return g.narrow(2, pT, g.size(2) - pT - pB).narrow(3, pL, g.size(3) - pL - pR);
  }
};

// Keeps the argmax indices with the output so that MaxPoolGrad does not redo the pooling.
static Result maxPool(const Args& a) {
  PoolGeom g(a);
  auto r = at::max_pool2d_with_indices(g.input(a.x(0), -std::numeric_limits<double>::infinity()), {g.kH, g.kW},
                                       {g.sH, g.sW}, g.pad(), {1, 1}, false);
  Result res(toNHWC(std::get<0>(r)));
  res.aux = std::get<1>(r);
  return res;
}
TL_OP("max_pool", maxPool, POOL_GEOMETRY_ATTRS);

// inputs: dy, x, y (the forward output, whose indices we kept)
static Result maxPoolGrad(const Args& a) {
  PoolGeom g(a);
  at::Tensor xin = g.input(a.x(1), -std::numeric_limits<double>::infinity());
  at::Tensor idx = a.in.at(2)->aux;
  if (!idx.defined())
    idx = std::get<1>(at::max_pool2d_with_indices(xin, {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), {1, 1}, false));
  at::Tensor gx = at::max_pool2d_with_indices_backward(toNCHW(a.x(0)), xin, {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), {1, 1},
                                                       false, idx);
  return toNHWC(g.unpad(gx));
}
TL_OP("max_pool_grad", maxPoolGrad, POOL_GEOMETRY_ATTRS);

// tfjs averages over the valid (unpadded) cells only.
static Result avgPool(const Args& a) {
  PoolGeom g(a);
  if (g.atenPads()) return toNHWC(at::avg_pool2d(toNCHW(a.x(0)), {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), false, false));
  // Asymmetric padding: window sums of the zero-padded input over window counts.
  at::Tensor xin = g.input(a.x(0), 0);
  at::Tensor ones = g.input(at::ones({1, a.x(0).size(1), a.x(0).size(2), 1}, a.x(0).options()), 0);
  at::Tensor sums = at::avg_pool2d(xin, {g.kH, g.kW}, {g.sH, g.sW}, {0, 0}, false, true, 1);
  at::Tensor counts = at::avg_pool2d(ones, {g.kH, g.kW}, {g.sH, g.sW}, {0, 0}, false, true, 1);
  return toNHWC(sums / counts);
}
TL_OP("avg_pool", avgPool, POOL_GEOMETRY_ATTRS);

// inputs: dy, x. tfjs (cpu, webgl, wasm) defines AvgPoolGrad with the full
// window size as divisor even where the window overlaps padding, so we do too.
static Result avgPoolGrad(const Args& a) {
  PoolGeom g(a);
  const at::Tensor& x = a.x(1);
  at::Tensor gx = at::avg_pool2d_backward(toNCHW(a.x(0)), g.input(x, 0), {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), false,
                                          true, g.kH * g.kW);
  return toNHWC(g.unpad(gx));
}
TL_OP("avg_pool_grad", avgPoolGrad, POOL_GEOMETRY_ATTRS);

}  // namespace tl
