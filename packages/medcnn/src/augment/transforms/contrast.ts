import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { symmetric } from './geometry.js';
import { clipToRange, drawPerImage, perImageValues, photometric, PHOTOMETRIC_CODE } from './intensity.js';

/** Stretches each image about its own mean by a factor in [1 − value, 1 + value], clipped. */
export const contrast: TransformDef = {
  name: 'contrast',
  param: { en: 'max relative change', ja: '最大の相対変化' },
  defaultValue: 0.15,
  limit: 0.9,
  summary: {
    en: 'scale contrast about the image mean by a factor in [1−F, 1+F]',
    ja: '画像の平均を中心に [1−F, 1+F] 倍でコントラストを変える',
  },
  create: (value) =>
    photometric({
      name: 'contrast',
      value,
      code: PHOTOMETRIC_CODE.contrast,
      draw: (info, rng) => ({ values: drawPerImage(info, () => 1 + symmetric(rng, value)), seed: 0 }),
      applyDrawn: (x, info, { values }) =>
        tf.tidy(() => {
          // The mean is shift-invariant, so this is the same whatever normalisation put black at.
          const mean = tf.mean(x, [1, 2, 3], true);
          return clipToRange(tf.add(tf.mul(tf.sub(x, mean), perImageValues(info, values)), mean), info);
        }),
    }),
};
