import * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';
import type { ModelOptions } from './registry.js';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** Smallest and largest square input every architecture accepts (MedMNIST's 28 to MedMNIST+'s 224). */
export const MIN_INPUT = 28;
export const MAX_INPUT = 224;

/** Checks a model's input is square, 28–224 pixels, with 1 or 3 channels, and ≥ 2 classes; returns the side. */
export function checkModelInput(model: string, { inputShape, numClasses }: ModelOptions): number {
  const [h, w, c] = inputShape;
  if (h !== w || !Number.isInteger(h) || h < MIN_INPUT || h > MAX_INPUT) {
    throw new MedcnnError(
      `${model} takes square images from ${MIN_INPUT}×${MIN_INPUT} to ${MAX_INPUT}×${MAX_INPUT}, got ${h}×${w}. Use --size 28, 64, 128 or 224.`,
      `${model} が受け取るのは ${MIN_INPUT}×${MIN_INPUT} から ${MAX_INPUT}×${MAX_INPUT} の正方形の画像ですが、${h}×${w} が渡されました。--size 28、64、128、224 のいずれかを使ってください。`,
    );
  }
  if (c !== 1 && c !== 3)
    throw new MedcnnError(
      `${model} takes 1 (grayscale) or 3 (RGB) channels, got ${c}.`,
      `${model} が受け取るのは 1 チャネル（グレースケール）か 3 チャネル（RGB）ですが、${c} チャネルが渡されました。`,
    );
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new MedcnnError(
      `${model} needs at least one output class, got ${numClasses}.`,
      `${model} には出力クラスが 1 つ以上必要です（指定値: ${numClasses}）。`,
    );
  return h;
}

// torchvision draws these weights from normal distributions; here they are uniform with the same variance,
// because TF.js draws normal numbers about 5× slower than uniform ones, which made building VGG (138 M weights)
// take many seconds. The variance is what the initialisation schemes are about, so training starts alike.

/** torchvision's conv init for VGG and ResNet: Kaiming, fan_out, gain √2 (variance 2/fan_out). */
export function kaimingFanOut(): Initializer {
  return tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform' });
}

/** torchvision's VGG classifier init: standard deviation 0.01. */
export function normal001(): Initializer {
  const bound = 0.01 * Math.sqrt(3);
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound });
}

/** Output side of a conv/pool with PyTorch's arithmetic (floor, or ceil when ceilMode). */
export function outSize(n: number, kernel: number, stride: number, pad: number, ceilMode = false): number {
  const v = (n + 2 * pad - kernel) / stride;
  return (ceilMode ? Math.ceil(v) : Math.floor(v)) + 1;
}

/** Trainable parameters of a model, counted as PyTorch counts `requires_grad` parameters. */
export function countParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + product(w.shape), 0);
}

/**
 * Multiply-adds of one forward pass: every conv and dense layer's kernel size times the output positions
 * it is applied at (the convention torchvision's GFLOPS column uses; BN, ReLU, pooling and adds are not counted).
 */
export function countMultiplyAdds(model: tfl.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName) || /kernel$/.test(w.name));
    if (!kernel) continue;
    const perPosition = product(kernel.shape);
    const out = layer.outputShape as (number | null)[];
    // Positions: every output dim except batch and channels (a dense layer has one).
    const positions = product(out.slice(1, -1));
    total += perPosition * positions;
  }
  return total;
}

function product(dims: readonly (number | null)[]): number {
  return dims.reduce<number>((a, b) => a * (b ?? 1), 1);
}
