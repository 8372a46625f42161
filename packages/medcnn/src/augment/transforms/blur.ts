import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';

/** Normalised 1-D Gaussian weights for offsets −r..r (a unit impulse when σ is ~0). */
function gaussian1d(sigma: number, r: number): number[] {
  const w = Array.from({ length: 2 * r + 1 }, (_, i) =>
    sigma < 1e-3 ? (i === r ? 1 : 0) : Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)),
  );
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/**
 * Gaussian blur with σ drawn per image in [0, value] pixels. The batch is folded into channels so one
 * separable depthwise convolution blurs every image with its own kernel; edges are mirrored, so the border
 * does not darken. A weighted mean of pixels cannot leave [black, white].
 */
export const blur: TransformDef = {
  name: 'blur',
  param: { en: 'max σ in pixels', ja: 'ピクセル単位の σ の最大値' },
  defaultValue: 1,
  limit: 5,
  summary: { en: 'Gaussian blur with σ up to N pixels', ja: 'σ が N ピクセルまでのガウスぼかし' },
  create: (value) => ({
    kind: 'intensity',
    name: 'blur',
    value,
    apply: (x, info, rng) =>
      tf.tidy(() => {
        const { n, height: h, width: w, channels: c } = info;
        const sigmas = Array.from({ length: n }, () => rng() * value);
        const r = Math.max(0, Math.min(Math.ceil(3 * value), Math.floor((Math.min(h, w) - 1) / 2)));
        if (r === 0) return x.clone();
        const taps = 2 * r + 1;
        const weights = new Float32Array(taps * n * c);
        sigmas.forEach((s, i) => {
          const g = gaussian1d(s, r);
          // depthwise filter layout [taps, in channels (= image·channel), multiplier 1]
          for (let k = 0; k < taps; k++) for (let ch = 0; ch < c; ch++) weights[k * n * c + i * c + ch] = g[k];
        });
        const folded = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]) as tf.Tensor4D;
        const padded = tf.mirrorPad(
          folded,
          [
            [0, 0],
            [r, r],
            [r, r],
            [0, 0],
          ],
          'reflect',
        );
        const across = tf.depthwiseConv2d(padded, tf.tensor4d(weights, [1, taps, n * c, 1]), 1, 'valid');
        const down = tf.depthwiseConv2d(across, tf.tensor4d(weights, [taps, 1, n * c, 1]), 1, 'valid');
        return tf.transpose(tf.reshape(down, [h, w, n, c]), [2, 0, 1, 3]) as tf.Tensor4D;
      }),
  }),
};
