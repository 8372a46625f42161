import * as tf from '@tensorflow/tfjs-core';
import type { TransformDef } from '../types.js';
import { makeRng } from '../../engine/seed.js';
import { clipToRange, drawPerImage, perImageValues, photometric, PHOTOMETRIC_CODE } from './intensity.js';

/** The native backend's seeded normal-number kernel (tfjs-backend-libtorch). */
const NATIVE_NORMAL = 'LibtorchRandomNormal';

/** Adds Gaussian noise whose σ is drawn per image in [0, value] of full scale, clipped. */
export const noise: TransformDef = {
  name: 'noise',
  param: { en: 'max σ, fraction of full scale', ja: 'フルスケールに対する σ の最大値' },
  defaultValue: 0.02,
  limit: 0.3,
  summary: {
    en: 'add Gaussian noise with σ up to F of full scale',
    ja: 'σ がフルスケールの F までのガウスノイズを加える',
  },
  create: (value) =>
    photometric({
      name: 'noise',
      value,
      code: PHOTOMETRIC_CODE.noise,
      draw: (info, rng) => ({
        values: drawPerImage(info, () => rng() * value * (info.white - info.black)),
        seed: Math.floor(rng() * 2 ** 32),
      }),
      applyDrawn: (x, info, { values, seed }) =>
        tf.tidy(() => {
          // Seeded from the trainer's generator: the same seed gives the same noise on a backend. The native
          // backend draws it itself (50,000 numbers a batch cost more in JavaScript than the rest of the
          // augmentation); elsewhere it is drawn here.
          const z = tf.getKernel(NATIVE_NORMAL, tf.getBackend())
            ? (tf.engine().runKernel(NATIVE_NORMAL, {}, { seed, shape: x.shape }) as tf.Tensor)
            : tf.tensor(standardNormals(x.size, makeRng(seed)), x.shape);
          return clipToRange(tf.add(x, tf.mul(z, perImageValues(info, values))), info);
        }),
    }),
};

/** n standard normal numbers by Marsaglia's polar method (no trigonometry; faster than tf.randomNormal's). */
function standardNormals(n: number, rng: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    let u: number, v: number, s: number;
    do {
      u = 2 * rng() - 1;
      v = 2 * rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = u * f;
    if (i + 1 < n) out[i + 1] = v * f;
  }
  return out;
}
