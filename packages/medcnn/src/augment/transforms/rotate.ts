import type { TransformDef } from '../types.js';
import { perImage, symmetric } from './geometry.js';

/** Rotation by an angle drawn uniformly in ±value degrees, about the image centre. */
export const rotate: TransformDef = {
  name: 'rotate',
  param: { en: 'max degrees', ja: '度単位の最大回転角' },
  defaultValue: 10,
  limit: 180,
  summary: { en: 'rotate by a random angle in ±N degrees', ja: '±N 度の範囲でランダムな角度だけ回転' },
  create: (value) => ({
    kind: 'geometric',
    name: 'rotate',
    value,
    sample: (info, rng) =>
      perImage(info.n, () => {
        const t = (symmetric(rng, value) * Math.PI) / 180;
        const c = Math.cos(t);
        const s = Math.sin(t);
        return [c, -s, 0, s, c, 0];
      }),
  }),
};
