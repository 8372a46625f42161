/** Deterministic synthetic image batches: the label decides the brightness of a blob, so models can learn it. */
import * as tf from '@tensorflow/tfjs-core';

import { rand } from './helpers.js';

export interface Batch {
  x: Float32Array;
  y: Float32Array; // one-hot
  shape: [number, number, number, number];
}

export function syntheticBatch(n: number, h = 28, w = 28, c = 1, classes = 2): Batch {
  const x = new Float32Array(n * h * w * c);
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(rand() * classes);
    y[i * classes + label] = 1;
    const cy = 4 + Math.floor(rand() * (h - 8)),
      cx = 4 + Math.floor(rand() * (w - 8));
    for (let p = 0; p < h * w * c; p++) {
      const r = Math.floor(p / (w * c)),
        col = Math.floor(p / c) % w;
      const blob = Math.abs(r - cy) < 3 && Math.abs(col - cx) < 3 ? (label + 1) / classes : 0;
      x[i * h * w * c + p] = blob + 0.2 * (rand() - 0.5);
    }
  }
  return { x, y, shape: [n, h, w, c] };
}

/** The batch as tensors on the current backend. */
export function batchTensors(b: Batch): [tf.Tensor4D, tf.Tensor2D] {
  return [tf.tensor4d(b.x, b.shape), tf.tensor2d(b.y, [b.shape[0], b.y.length / b.shape[0]])];
}
