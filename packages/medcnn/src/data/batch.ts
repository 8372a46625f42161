import * as tf from '@tensorflow/tfjs-core';
import type { SplitData } from './load.js';
import { normalizePixels } from './pixels.js';

/** How pixels are scaled before the network: x = (v/255 − mean) / std. */
export interface Normalization {
  mean: number;
  std: number;
}
/** Pixels to [-1, 1]: the tutorial's Normalize(mean=0.5, std=0.5), and Keras' MobileNet preprocessing alike. */
export const MINUS_ONE_TO_ONE: Normalization = { mean: 0.5, std: 0.5 };

/**
 * The images at `indices` as a float32 NHWC tensor, normalised. `staging`, when given, is where the values are
 * put before the tensor is made: only for a backend that copies them at once (engine/backend.ts writesAreCopied).
 */
export function imagesToTensor(
  data: SplitData,
  indices: ArrayLike<number>,
  norm: Normalization,
  staging?: Float32Array,
): tf.Tensor4D {
  const px = data.height * data.width * data.channels;
  const n = indices.length * px;
  const out = staging && staging.length >= n ? staging.subarray(0, n) : new Float32Array(n);
  for (let b = 0; b < indices.length; b++)
    normalizePixels(data.images.subarray(indices[b] * px, (indices[b] + 1) * px), norm, out, b * px);
  return tf.tensor4d(out, [indices.length, data.height, data.width, data.channels]);
}

/** The labels at `indices`: int32 class ids (N) or, for multi-label, float32 0/1 (N, L). */
export function labelsToTensor(data: SplitData, indices: ArrayLike<number>, multiLabel: boolean): tf.Tensor {
  const w = data.labelWidth;
  if (multiLabel) {
    const out = new Float32Array(indices.length * w);
    for (let b = 0; b < indices.length; b++)
      for (let k = 0; k < w; k++) out[b * w + k] = data.labels[indices[b] * w + k];
    return tf.tensor2d(out, [indices.length, w]);
  }
  const out = new Int32Array(indices.length);
  for (let b = 0; b < indices.length; b++) out[b] = data.labels[indices[b] * w];
  return tf.tensor1d(out, 'int32');
}

/** 0..n-1, for walking a split in order. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
