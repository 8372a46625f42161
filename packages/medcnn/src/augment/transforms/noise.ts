import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { clipToRange, perImageValues } from './intensity.js';

/** Adds Gaussian noise whose σ is drawn per image in [0, value] of full scale, clipped. */
export const noise: TransformDef = {
  name: 'noise', param: 'max σ, fraction of full scale', defaultValue: 0.02, limit: 0.3,
  summary: 'add Gaussian noise with σ up to F of full scale',
  create: (value) => ({
    kind: 'intensity', name: 'noise', value,
    apply: (x, info, rng) => tf.tidy(() => {
      const sigma = perImageValues(info, () => rng() * value * (info.white - info.black));
      // TF.js draws normal numbers in JS from this seed, so the noise is the same on every backend.
      const seed = Math.floor(rng() * 2 ** 31);
      const z = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
      return clipToRange(tf.add(x, tf.mul(z, sigma)), info);
    }),
  }),
};
