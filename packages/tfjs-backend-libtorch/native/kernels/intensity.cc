// LibtorchIntensity: a chain of photometric augmentations (brightness, contrast,
// gamma, noise) in one call. Composed from tfjs ops the chain is ~20 kernels,
// each a round trip through tfjs and a wake-up of the thread pool for 50,000
// pixels; here it is one pass per step over each image, in the arithmetic of the
// composed chain (float32, the same clipping; contrast's mean summed in double).
// inputs: x (NHWC float), values [steps, N] (one number per step and image)
// attrs: black, white, codes (one per step), seeds (one per step; used by noise)
//   0 brightness  x + v, clipped to [black, white]
//   1 contrast    (x − mean of the image)·v + mean, clipped
//   2 gamma       u = clip((x − black)/(white − black), 0, 1); exp(v·log u)·(white − black) + black
//   3 noise       x + v·z with z standard normal from `seed` (the numbers random_normal draws), clipped
// The loop reads host memory; on another device (a GPU) the chain runs as ATen expressions over the whole
// batch, in the same order of operations (onDevice below).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>

#include "../op.h"

namespace tl {

enum Step { kBrightness = 0, kContrast = 1, kGamma = 2, kNoise = 3 };

// The chain as ATen expressions on x's device: `noise` holds the host-drawn numbers of each noise step.
static at::Tensor onDeviceChain(const at::Tensor& x, const at::Tensor& values, const std::vector<int64_t>& codes,
                                const std::vector<at::Tensor>& noise, double black, double white) {
  const double span = white - black;
  at::Tensor out = x.clone();
  for (size_t s = 0; s < codes.size(); ++s) {
    const at::Tensor v = values[s].view({-1, 1, 1, 1});
    if (codes[s] == kBrightness) {
      out = (out + v).clamp(black, white);
    } else if (codes[s] == kContrast) {
      const at::Tensor mean = out.to(at::kDouble).sum({1, 2, 3}, true).div(out[0].numel()).to(at::kFloat);
      out = ((out - mean) * v + mean).clamp(black, white);
    } else if (codes[s] == kGamma) {
      out = out.sub(black).div(span).clamp(0, 1).log().mul(v).exp().mul(span).add(black);
    } else {
      out = (out + noise[s].to(x.device()) * v).clamp(black, white);
    }
  }
  return out;
}

static Result intensity(const Args& a) {
  const at::Tensor x = a.x(0).to(at::kFloat).contiguous();
  const at::Tensor values = a.x(1).to(at::kFloat).contiguous();
  TORCH_CHECK(x.dim() == 4, "images must be rank 4 (NHWC), got rank ", x.dim());
  const std::vector<int64_t> codes = a.ints("codes"), seeds = a.ints("seeds");
  TORCH_CHECK(codes.size() == seeds.size(), "codes and seeds must have one entry per step");
  const double black = a.f("black"), white = a.f("white"), span = white - black;
  TORCH_CHECK(span > 0, "white (", white, ") must be above black (", black, ")");
  const int64_t n = x.size(0), steps = static_cast<int64_t>(codes.size());
  TORCH_CHECK(values.dim() == 2 && values.size(0) == steps && values.size(1) == n, "values must be [", steps, ", ", n,
              "] (a number per step and image), got ", values.sizes());
  std::vector<at::Tensor> noise(steps);
  for (int64_t s = 0; s < steps; ++s) {
    TORCH_CHECK(codes[s] >= kBrightness && codes[s] <= kNoise, "unknown step code ", codes[s]);
    if (codes[s] == kNoise) {
      at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seeds[s]));
      noise[s] = at::randn(x.sizes(), gen, x.options().device(at::kCPU));
    }
  }
  if (!hostLoops(x)) return onDeviceChain(x, values, codes, noise, black, white);
  at::Tensor out = x.clone();
  if (n == 0) return out;
  const int64_t perImage = x.numel() / n;
  const float lo = static_cast<float>(black), hi = static_cast<float>(white);
  auto clip = [lo, hi](float v) { return std::min(std::max(v, lo), hi); };
  float* data = out.data_ptr<float>();
  const float* vals = values.data_ptr<float>();
  // Chunks of whole images, at least 2^14 values each (a batch of 64 MNIST-sized images takes both threads now
  // that the workers spin: see transform.cc). Each image is computed alike whatever the split.
  const int64_t grain = std::max<int64_t>(1, ((1 << 14) + perImage - 1) / std::max<int64_t>(perImage, 1));
  at::parallel_for(0, n, grain, [&](int64_t begin, int64_t end) {
    c10::InferenceMode guard;  // thread-local: the pool's threads need their own
    for (int64_t s = 0; s < steps; ++s) {
      if (codes[s] == kGamma) {
        // exp and log through ATen, which vectorises them, in pieces below ATen's own grain (32,768
        // values) so that each op runs on this thread rather than waking the pool again.
        const int64_t piece = std::max<int64_t>(1, 32767 / std::max<int64_t>(perImage, 1));
        for (int64_t b = begin; b < end; b += piece) {
          const int64_t len = std::min(piece, end - b);
          at::Tensor v = values[s].narrow(0, b, len).view({len, 1, 1, 1});
          out.narrow(0, b, len).sub_(black).div_(span).clamp_(0, 1).log_().mul_(v).exp_().mul_(span).add_(black);
        }
        continue;
      }
      for (int64_t b = begin; b < end; ++b) {
        float* px = data + b * perImage;
        const float v = vals[s * n + b];
        if (codes[s] == kBrightness) {
          for (int64_t i = 0; i < perImage; ++i) px[i] = clip(px[i] + v);
        } else if (codes[s] == kContrast) {
          double sum = 0;
          for (int64_t i = 0; i < perImage; ++i) sum += px[i];
          const float mean = static_cast<float>(sum / perImage);
          for (int64_t i = 0; i < perImage; ++i) px[i] = clip((px[i] - mean) * v + mean);
        } else {  // noise
          const float* z = noise[s].data_ptr<float>() + b * perImage;
          for (int64_t i = 0; i < perImage; ++i) px[i] = clip(px[i] + z[i] * v);
        }
      }
    }
  });
  return out;
}
TL_OP("intensity", intensity, "black white codes[] seeds[]");

}  // namespace tl
