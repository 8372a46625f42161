import * as tf from '@tensorflow/tfjs-core';
import type { BatchInfo } from '../types.js';

/** One value per image as an [n, 1, 1, 1] tensor, to broadcast over its pixels. */
export function perImageValues(info: BatchInfo, draw: () => number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: info.n }, draw), [info.n, 1, 1, 1]);
}

/** Clips to the valid range [black, white] of the normalised input. */
export function clipToRange(x: tf.Tensor4D, info: BatchInfo): tf.Tensor4D {
  return tf.clipByValue(x, info.black, info.white);
}
