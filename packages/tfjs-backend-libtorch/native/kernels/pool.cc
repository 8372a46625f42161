// MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad on NHWC tensors.
// attrs: POOL_GEOMETRY_ATTRS
#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>

#include "../op.h"
#include "pool_loops.h"

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

// The gradient of a max pool whose windows do not overlap (stride = window, no padding: SimpleCNN's and VGG's 2x2
// pools), a band of rows at a time, each cell written once: its window's dy where the window's kept index points
// (in NHWC an index h*W+w is the cell's offset / C within its image), else 0 (pool_loops.inc). ATen's kernel
// zeroes all of dx and then scatters into it across the whole tensor (64x28x28x16: 1.04 ms on 2 threads). Same
// values exactly: each cell gets one dy or 0.
static bool tiledWindows(const PoolGeom& g, const at::Tensor& dy, const at::Tensor& idx) {
  return g.kH == g.sH && g.kW == g.sW && g.pT == 0 && g.pB == 0 && g.pL == 0 && g.pR == 0 && idx.defined() &&
         dy.scalar_type() == at::kFloat && idx.scalar_type() == at::kLong && dy.device().is_cpu();
}

static at::Tensor tiledMaxPoolGrad(const PoolGeom& g, const at::Tensor& dyNHWC, const at::Tensor& idxNCHW,
                                   const at::IntArrayRef xSizes, const at::Tensor& reluMask) {
  const int64_t N = xSizes[0], H = xSizes[1], W = xSizes[2], C = xSizes[3];
  const int64_t Ho = dyNHWC.size(1), Wo = dyNHWC.size(2);
  at::Tensor dy = dyNHWC.contiguous(), idx = toNHWC(idxNCHW).contiguous();
  at::Tensor mask = reluMask.defined() ? reluMask.contiguous() : at::Tensor();
  at::Tensor dx = at::empty({N, H, W, C}, dy.options());
  const float* dyp = dy.data_ptr<float>();
  const float* mp = mask.defined() ? mask.data_ptr<float>() : nullptr;
  const int64_t* ip = idx.data_ptr<int64_t>();
  float* dxp = dx.data_ptr<float>();
  // One band: the sH rows of a row of windows (the last band of an image also takes the rows no window covers).
  const PoolGradBand band = poolLoops().poolGrad;
  at::parallel_for(0, N * Ho, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, Wo * C)), [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      const int64_t n = k / Ho, oh = k % Ho, rowEnd = oh + 1 == Ho ? H : (oh + 1) * g.sH;
      band(dyp + k * Wo * C, mp ? mp + k * Wo * C : nullptr, ip + k * Wo * C, W, C, g.kH, g.kW, Wo, oh, rowEnd,
           dxp + n * H * W * C);
    }
  });
  return dx;
}

// inputs: dy, x, y (the forward output, whose indices we kept). With `relu`, also the gradient of a ReLU before
// the pool (x = relu(r)): what relu_grad(max_pool_grad(dy, x, y), r) gives, bit for bit, in one pass. A cell gets
// the dy of the window whose maximum it is, and ReLU's gradient keeps it where r > 0 (or r is NaN); that maximum
// is y = relu(r) at that cell, which is <= 0 exactly where r is (a NaN in r is a NaN maximum), so masking dy by
// y first is the same. Only captured steps use it (native/capture.cc fuses the pair).
static at::Tensor maxPoolGradOf(const Args& a, bool relu) {
  PoolGeom g(a);
  const at::Tensor& y = a.x(2);
  if (tiledWindows(g, a.x(0), a.in.at(2)->aux))
    return tiledMaxPoolGrad(g, a.x(0), a.in.at(2)->aux, a.x(1).sizes(), relu ? y : at::Tensor());
  at::Tensor dy = relu ? at::threshold_backward(a.x(0), y, 0) : a.x(0);
  at::Tensor xin = g.input(a.x(1), -std::numeric_limits<double>::infinity());
  at::Tensor idx = a.in.at(2)->aux;
  if (!idx.defined())
    idx = std::get<1>(at::max_pool2d_with_indices(xin, {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), {1, 1}, false));
  at::Tensor gx =
      at::max_pool2d_with_indices_backward(toNCHW(dy), xin, {g.kH, g.kW}, {g.sH, g.sW}, g.pad(), {1, 1}, false, idx);
  return toNHWC(g.unpad(gx));
}

static Result maxPoolGrad(const Args& a) { return maxPoolGradOf(a, false); }
static Result maxPoolGradRelu(const Args& a) { return maxPoolGradOf(a, true); }
TL_OP("max_pool_grad_relu", maxPoolGradRelu, POOL_GEOMETRY_ATTRS);
TL_OP("max_pool_grad", maxPoolGrad, POOL_GEOMETRY_ATTRS);

// max_pool_grad_relu for the output of batch_norm_relu_max_pool (native/kernels/batch_norm_training.cc), whose
// rectified input was never written: inputs dy, like (any tensor of the pool input's shape: only its sizes are
// read), y (with its indices). Only captured steps use it, for windows that tile the image.
static Result maxPoolGradReluTiled(const Args& a) {
  PoolGeom g(a);
  const Entry& y = *a.in.at(2);
  TORCH_CHECK(tiledWindows(g, a.x(0), y.aux), "max_pool_grad_relu_tiled takes tiling windows and the kept indices");
  return tiledMaxPoolGrad(g, a.x(0), y.aux, a.x(1).sizes(), y.t);
}
TL_OP("max_pool_grad_relu_tiled", maxPoolGradReluTiled, POOL_GEOMETRY_ATTRS);

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
