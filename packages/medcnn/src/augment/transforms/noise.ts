import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { makeRng } from '../../engine/seed.js';
import { clipToRange, perImageValues } from './intensity.js';

/** Adds Gaussian noise whose σ is drawn per image in [0, value] of full scale, clipped. */
export const noise: TransformDef = {
  name: 'noise', param: 'max σ, fraction of full scale', defaultValue: 0.02, limit: 0.3,
  summary: 'add Gaussian noise with σ up to F of full scale',
  create: (value) => ({
    kind: 'intensity', name: 'noise', value,
    apply: (x, info, rng) => tf.tidy(() => {
      const sigma = perImageValues(info, () => rng() * value * (info.white - info.black));
      // Drawn in JS from the trainer's generator, so the noise is the same on every backend.
      const z = tf.tensor(standardNormals(x.size, makeRng(Math.floor(rng() * 2 ** 32))), x.shape);
      return clipToRange(tf.add(x, tf.mul(z, sigma)), info);
    }),
  }),
};

/** n standard normal numbers by the Box–Muller transform, two per pair of uniforms (faster than tf.randomNormal's). */
function standardNormals(n: number, rng: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng())); // 1 − u is in (0, 1]: no log(0)
    const theta = 2 * Math.PI * rng();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
