/** Reshape: a view on the same ATen storage (tensors are contiguous, so no copy). */
import { Reshape, type ReshapeAttrs, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const reshapeConfig = kernel(Reshape, (b, { x }, attrs) => {
  const size = util.sizeFromShape(x!.shape);
  const shape = util.inferFromImplicitShape((attrs as unknown as ReshapeAttrs).shape, size);
  util.assert(util.sizeFromShape(shape) === size, () => `cannot reshape [${x!.shape}] to [${shape}]`);
  return b.run1('reshape', [x!], shape);
});
