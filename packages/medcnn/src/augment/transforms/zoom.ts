import type { TransformDef } from '../types.js';
import { perImage, symmetric } from './geometry.js';

/** Scale about the centre by a factor drawn uniformly in [1 − value, 1 + value] (> 1 magnifies). */
export const zoom: TransformDef = {
  name: 'zoom',
  param: { en: 'max relative change', ja: '最大の相対変化' },
  defaultValue: 0.1,
  limit: 0.5,
  summary: { en: 'zoom in or out by a factor in [1−F, 1+F]', ja: '[1−F, 1+F] の倍率で拡大・縮小' },
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
