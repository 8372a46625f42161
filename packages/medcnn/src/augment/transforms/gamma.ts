import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { symmetric } from './geometry.js';
import { drawPerImage, perImageValues, photometric, PHOTOMETRIC_CODE } from './intensity.js';

/**
 * Gamma curve u ↦ u^γ on the full-scale value u = (x − black)/(white − black), with log γ uniform in
 * ±log(1 + value): 0.2 gives γ from 0.83 to 1.2. Black and white stay where they are.
 */
export const gamma: TransformDef = {
  name: 'gamma',
  param: { en: 'max relative change of γ', ja: 'γ の最大の相対変化' },
  defaultValue: 0.2,
  limit: 2,
  summary: {
    en: 'gamma curve with γ in [1/(1+F), 1+F]; black and white stay fixed',
    ja: 'γ を [1/(1+F), 1+F] とするガンマ曲線。黒と白は固定',
  },
  create: (value) =>
    photometric({
      name: 'gamma',
      value,
      code: PHOTOMETRIC_CODE.gamma,
      draw: (info, rng) => ({ values: drawPerImage(info, () => Math.exp(symmetric(rng, Math.log1p(value)))), seed: 0 }),
      applyDrawn: (x, info, { values }) =>
        tf.tidy(() => {
          const span = info.white - info.black;
          const u = tf.clipByValue(tf.div(tf.sub(x, info.black), span), 0, 1);
          // u^γ as exp(γ·log u): the same curve (u = 0 gives 0), and exp/log are vectorised where pow is not.
          return tf.add(
            tf.mul(tf.exp(tf.mul(tf.log(u), perImageValues(info, values))), span),
            info.black,
          ) as tf.Tensor4D;
        }),
    }),
};
