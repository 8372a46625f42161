// Transform (tf.image.transform): each output pixel (x, y) of image b reads the
// input at the projective map of its row of 8 numbers [a0 a1 a2 b0 b1 b2 c0 c1]:
// (a0 x + a1 y + a2, b0 x + b1 y + b2) / (c0 x + c1 y + 1), with TF's fill modes
// for coordinates outside the image and nearest or bilinear sampling. One pass,
// parallel over output rows; every image of the batch gets its own row.
// inputs: image NHWC float, transforms [1 or B, 8] float
// attrs: interpolation (0 nearest, 1 bilinear), fillMode (0 constant, 1 reflect,
//        2 wrap, 3 nearest), fillValue, outHeight, outWidth
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "../op.h"

namespace tl {

// floor without a libm call (the default x86-64 target has no rounding instruction).
static inline int64_t floorInt(double v) {
  int64_t i = static_cast<int64_t>(v);
  return i > v ? i - 1 : i;
}

// Maps a coordinate outside [0, len - 1] back inside, as TF's fill modes do;
// 'constant' leaves it, and the read returns the fill value.
static double mapCoord(double v, int64_t len, int mode) {
  if (mode == 0) return v;
  if (mode == 3) return std::min(std::max(v, 0.0), double(len - 1));
  if (len <= 1) return 0;
  if (mode == 1) {  // reflect: [abcd] → [dcba|abcd|dcba]
    double period = 2.0 * len;
    if (v < 0) {
      if (v < period) v += period * std::trunc(-v / period);
      v = v < -len ? v + period : -v - 1;
    } else if (v > len - 1) {
      v -= period * std::trunc(v / period);
      if (v >= len) v = period - v - 1;
    }
  } else {  // wrap: [abcd] → [abcd|abcd|abcd]
    double sz = len - 1;
    if (v < 0)
      v += len * (std::trunc(-v / sz) + 1);
    else if (v > len - 1)
      v -= len * std::trunc(v / sz);
  }
  return std::min(std::max(v, 0.0), double(len - 1));
}

static Result transform(const Args& a) {
  requireCpu(a.x(0), "transform");
  at::Tensor image = a.x(0).to(at::kFloat).contiguous();
  at::Tensor rows = a.x(1).to(at::kFloat).contiguous();
  const int interp = static_cast<int>(a.i("interpolation")), mode = static_cast<int>(a.i("fillMode"));
  const float fill = static_cast<float>(a.f("fillValue"));
  const int64_t B = image.size(0), H = image.size(1), W = image.size(2), C = image.size(3);
  const int64_t OH = a.i("outHeight"), OW = a.i("outWidth");
  TORCH_CHECK(rows.dim() == 2 && rows.size(1) == 8 && (rows.size(0) == 1 || rows.size(0) == B),
              "transforms must be [1, 8] or [batch, 8], got ", rows.sizes());
  at::Tensor out = at::empty({B, OH, OW, C}, image.options());
  const float* in = image.data_ptr<float>();
  const float* tr = rows.data_ptr<float>();
  float* o = out.data_ptr<float>();
  const bool oneRow = rows.size(0) == 1;
  // Rows in chunks of at least 2^14 values. With sleeping workers (before 2026-12-03) 2^17 kept a batch of 64
  // 28×28 images on this thread, twice as fast as waking one; with spinning workers (src/native.ts) two threads
  // win: the chest-X-ray augmentation 0.98-1.01 -> 0.68-0.76 ms a batch. Each output pixel is computed alike
  // whatever the split.
  const int64_t grain = std::max<int64_t>(1, ((1 << 14) + OW * C - 1) / std::max<int64_t>(OW * C, 1));
  at::parallel_for(0, B * OH, grain, [&](int64_t begin, int64_t end) {
    for (int64_t by = begin; by < end; ++by) {
      const int64_t b = by / OH, y = by % OH;
      const float* t = tr + (oneRow ? 0 : b * 8);
      const float* src = in + b * H * W * C;
      float* dst = o + (b * OH + y) * OW * C;
      const bool affine = t[6] == 0 && t[7] == 0;
      // The value at integer (row, col), or the fill value outside the image.
      auto at = [&](int64_t r, int64_t c, int64_t ch) -> float {
        return (r >= 0 && r < H && c >= 0 && c < W) ? src[(r * W + c) * C + ch] : fill;
      };
      for (int64_t x = 0; x < OW; ++x) {
        float* px = dst + x * C;
        const double proj = double(t[6]) * x + double(t[7]) * y + 1.0;
        if (proj == 0) {
          for (int64_t ch = 0; ch < C; ++ch) px[ch] = fill;
          continue;
        }
        double sx = double(t[0]) * x + double(t[1]) * y + t[2], sy = double(t[3]) * x + double(t[4]) * y + t[5];
        if (!affine) sx /= proj, sy /= proj;  // augmentation's maps are affine: no division per pixel
        if (interp == 1 && sx >= 0 && sy >= 0 && sx < W - 1 && sy < H - 1) {
          // Inside the image with its right and lower neighbours (most pixels): no fill mode, no bounds
          // checks; the same arithmetic as below (1.6x faster for a batch of augmented 28×28 images).
          const int64_t r0 = static_cast<int64_t>(sy), c0 = static_cast<int64_t>(sx);
          const double fy = sy - r0, fx = sx - c0;
          const float* p = src + (r0 * W + c0) * C;
          for (int64_t ch = 0; ch < C; ++ch) {
            const double top = (1 - fx) * p[ch] + fx * p[C + ch];
            const double bottom = (1 - fx) * p[W * C + ch] + fx * p[(W + 1) * C + ch];
            px[ch] = static_cast<float>((1 - fy) * top + fy * bottom);
          }
          continue;
        }
        sx = mapCoord(sx, W, mode);
        sy = mapCoord(sy, H, mode);
        if (interp == 0) {
          // Half-way rounds up, as JavaScript's Math.round in tfjs' reference kernel.
          const int64_t r = floorInt(sy + 0.5), c = floorInt(sx + 0.5);
          for (int64_t ch = 0; ch < C; ++ch) px[ch] = at(r, c, ch);
          continue;
        }
        const int64_t r0 = floorInt(sy), c0 = floorInt(sx);
        const double fy = sy - r0, fx = sx - c0;
        for (int64_t ch = 0; ch < C; ++ch) {
          const double top = (1 - fx) * at(r0, c0, ch) + fx * at(r0, c0 + 1, ch);
          const double bottom = (1 - fx) * at(r0 + 1, c0, ch) + fx * at(r0 + 1, c0 + 1, ch);
          px[ch] = static_cast<float>((1 - fy) * top + fy * bottom);
        }
      }
    }
  });
  return out;
}
TL_OP("transform", transform, "interpolation fillMode fillValue outHeight outWidth");

}  // namespace tl
