import type { Affine, TransformDef } from '../types.js';
import { IDENTITY } from '../types.js';
import { perImage } from './geometry.js';

const QUARTER_TURNS: Affine[] = [IDENTITY, [0, -1, 0, 1, 0, 0], [-1, 0, 0, 0, -1, 0], [0, 1, 0, -1, 0, 0]];

/** With probability `value`, 1, 2 or 3 quarter turns (0.75, the default, makes all four orientations equally likely). */
export const rot90: TransformDef = {
  name: 'rot90',
  param: { en: 'probability of a turn', ja: '回転する確率' },
  defaultValue: 0.75,
  limit: 1,
  summary: {
    en: 'turn by 90°, 180° or 270° with probability P (exact for square images)',
    ja: '確率 P で 90°・180°・270° 回転（正方形の画像では正確）',
  },
  create: (value) => ({
    kind: 'geometric',
    name: 'rot90',
    value,
    sample: (info, rng) =>
      perImage(info.n, () => {
        const turn = rng() < value;
        const k = 1 + Math.min(2, Math.floor(rng() * 3));
        return turn ? QUARTER_TURNS[k] : IDENTITY;
      }),
  }),
};
