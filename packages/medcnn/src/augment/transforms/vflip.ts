import type { TransformDef } from '../types.js';
import { IDENTITY } from '../types.js';
import { perImage } from './geometry.js';

/** Upside-down mirror, each image with probability `value`. */
export const vflip: TransformDef = {
  name: 'vflip',
  param: { en: 'probability', ja: '確率' },
  defaultValue: 0.5,
  limit: 1,
  summary: { en: 'mirror top–bottom with probability P', ja: '確率 P で上下反転' },
  create: (value) => ({
    kind: 'geometric',
    name: 'vflip',
    value,
    sample: (info, rng) => perImage(info.n, () => (rng() < value ? [1, 0, 0, 0, -1, 0] : IDENTITY)),
  }),
};
