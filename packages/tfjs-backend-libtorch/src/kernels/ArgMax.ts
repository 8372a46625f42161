/** ArgMax along one axis; int32 result (first index on ties, as tfjs). */
import { ArgMax, type ArgMaxAttrs, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const argMaxConfig = kernel(ArgMax, (b, { x }, attrs) => {
  const axis = util.parseAxisParam((attrs as unknown as ArgMaxAttrs).axis, x!.shape)[0];
  return b.run1('arg_max', [x!], { axis }, 'int32');
});
