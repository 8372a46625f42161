import type { TransformDef } from '../types.js';
import { perImage, symmetric } from './geometry.js';

/** Shift by up to ±value of the image size, independently in x and y. */
export const translate: TransformDef = {
  name: 'translate',
  param: 'max fraction of the size',
  defaultValue: 0.1,
  limit: 0.5,
  summary: 'shift by up to ±F of the width/height',
  create: (value) => ({
    kind: 'geometric',
    name: 'translate',
    value,
    sample: (info, rng) =>
      perImage(info.n, () => {
        const dx = symmetric(rng, value) * info.width;
        const dy = symmetric(rng, value) * info.height;
        return [1, 0, -dx, 0, 1, -dy];
      }),
  }),
};
