import type { TransformDef } from '../types.js';
import { perImage, symmetric } from './geometry.js';

/** Scale about the centre by a factor drawn uniformly in [1 − value, 1 + value] (> 1 magnifies). */
export const zoom: TransformDef = {
  name: 'zoom',
  param: 'max relative change',
  defaultValue: 0.1,
  limit: 0.5,
  summary: 'zoom in or out by a factor in [1−F, 1+F]',
  create: (value) => ({
    kind: 'geometric',
    name: 'zoom',
    value,
    sample: (info, rng) =>
      perImage(info.n, () => {
        const s = 1 + symmetric(rng, value);
        return [1 / s, 0, 0, 0, 1 / s, 0];
      }),
  }),
};
