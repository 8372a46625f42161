import type { TransformDef } from '../types.js';
import { perImage, symmetric } from './geometry.js';

/** Shift by up to ±value of the image size, independently in x and y. */
export const translate: TransformDef = {
  name: 'translate',
  param: { en: 'max fraction of the size', ja: '画像の大きさに対する最大の割合' },
  defaultValue: 0.1,
  limit: 0.5,
  summary: { en: 'shift by up to ±F of the width/height', ja: '幅・高さの ±F まで平行移動' },
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
