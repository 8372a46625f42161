import type { TransformDef } from '../types.js';
import { IDENTITY } from '../types.js';
import { perImage } from './geometry.js';

/** Left–right mirror, each image with probability `value`. */
export const hflip: TransformDef = {
  name: 'hflip',
  param: 'probability',
  defaultValue: 0.5,
  limit: 1,
  summary: 'mirror left–right with probability P',
  create: (value) => ({
    kind: 'geometric',
    name: 'hflip',
    value,
    sample: (info, rng) => perImage(info.n, () => (rng() < value ? [-1, 0, 0, 0, 1, 0] : IDENTITY)),
  }),
};
