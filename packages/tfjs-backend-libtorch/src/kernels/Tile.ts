/** Tile: ATen repeat. */
import { Tile, type TileAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const tileConfig = kernel(Tile, (b, { x }, attrs) =>
  b.run1('tile', [x!], { reps: (attrs as unknown as TileAttrs).reps }),
);
