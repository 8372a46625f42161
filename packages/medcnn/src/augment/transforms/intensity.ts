import * as tf from '@tensorflow/tfjs-core';
import type { BatchInfo, PhotometricTransform } from '../types.js';

/** One value per image as an [n, 1, 1, 1] tensor, to broadcast over its pixels. */
export function perImageValues(info: BatchInfo, values: Float32Array): tf.Tensor4D {
  return tf.tensor4d(values, [info.n, 1, 1, 1]);
}

/** n draws of `value()`, one per image. */
export function drawPerImage(info: BatchInfo, value: () => number): Float32Array {
  return Float32Array.from({ length: info.n }, value);
}

/** A photometric transform from its parts; `apply` draws, then applies. */
export function photometric(t: Omit<PhotometricTransform, 'kind' | 'apply'>): PhotometricTransform {
  return {
    kind: 'intensity',
    ...t,
    apply: (x, info, rng) => t.applyDrawn(x, info, t.draw(info, rng)),
  };
}

/** The step codes of the native kernel (tfjs-backend-libtorch native/kernels/intensity.cc). */
export const PHOTOMETRIC_CODE = { brightness: 0, contrast: 1, gamma: 2, noise: 3 } as const;

/** Clips to the valid range [black, white] of the normalised input. */
export function clipToRange(x: tf.Tensor4D, info: BatchInfo): tf.Tensor4D {
  return tf.clipByValue(x, info.black, info.white);
}
