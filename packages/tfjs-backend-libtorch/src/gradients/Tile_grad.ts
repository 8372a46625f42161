/**
 * Tile gradient: dy viewed as [reps₀, size₀, reps₁, size₁, …] and summed over the reps axes, one reshape and one
 * reduction. tfjs adds one slice of dy per repetition: tfjs-layers' LayerNormalization tiles its scale and offset
 * over batch × tokens, so each ViT LayerNorm's gradient was thousands of Slice and Add kernels (88,000 in a
 * ViT-Tiny step at batch 64, 178,000 kernels in all).
 */
import { type Tensor, Tile, reshape, sum } from '@tensorflow/tfjs-core';

import { overrideGradient } from './override.js';

export function registerTileGrad(): void {
  overrideGradient(Tile, (dy, [x], attrs) => ({
    x: () => {
      const reps = attrs.reps as number[];
      const split = x.shape.flatMap((s, i) => [reps[i], s]);
      const repAxes = x.shape.map((_, i) => 2 * i);
      return reshape(sum(reshape(dy as Tensor, split), repAxes), x.shape);
    },
  }));
}
