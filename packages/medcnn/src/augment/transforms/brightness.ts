import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { symmetric } from './geometry.js';
import { clipToRange, drawPerImage, perImageValues, photometric, PHOTOMETRIC_CODE } from './intensity.js';

/** Adds a random offset in ±value of full scale (0.1 = a tenth of the black-to-white range), clipped. */
export const brightness: TransformDef = {
  name: 'brightness',
  param: { en: 'max offset, fraction of full scale', ja: 'フルスケールに対する最大の変化量' },
  defaultValue: 0.1,
  limit: 0.5,
  summary: { en: 'brighten or darken by up to ±F of full scale', ja: 'フルスケールの ±F まで明るく・暗くする' },
  create: (value) =>
    photometric({
      name: 'brightness',
      value,
      code: PHOTOMETRIC_CODE.brightness,
      draw: (info, rng) => ({
        values: drawPerImage(info, () => symmetric(rng, value) * (info.white - info.black)),
        seed: 0,
      }),
      applyDrawn: (x, info, { values }) => tf.tidy(() => clipToRange(tf.add(x, perImageValues(info, values)), info)),
    }),
};
