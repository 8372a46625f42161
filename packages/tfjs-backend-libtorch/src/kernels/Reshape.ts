/** Reshape: a view on the same ATen storage where its memory order allows (row-major tensors), else a copy. */
import { Reshape, type ReshapeAttrs, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const reshapeConfig = kernel(Reshape, (b, { x }, attrs) => {
  const size = util.sizeFromShape(x!.shape);
  const shape = util.inferFromImplicitShape((attrs as unknown as ReshapeAttrs).shape, size);
  util.assert(util.sizeFromShape(shape) === size, () => `cannot reshape [${x!.shape}] to [${shape}]`);
  return b.run1('reshape', [x!], { shape });
});
