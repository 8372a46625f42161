import type { TransformDef } from '../types.js';
import { IDENTITY } from '../types.js';
import { perImage } from './geometry.js';

/** Left–right mirror, each image with probability `value`. */
export const hflip: TransformDef = {
  name: 'hflip',
  param: { en: 'probability', ja: '確率' },
  defaultValue: 0.5,
  limit: 1,
  summary: { en: 'mirror left–right with probability P', ja: '確率 P で左右反転' },
  create: (value) => ({
    kind: 'geometric',
    name: 'hflip',
    value,
    sample: (info, rng) => perImage(info.n, () => (rng() < value ? [-1, 0, 0, 0, 1, 0] : IDENTITY)),
  }),
};
