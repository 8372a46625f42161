/** ArgMin along one axis; int32 result. */
import { ArgMin, type ArgMinAttrs, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const argMinConfig = kernel(ArgMin, (b, { x }, attrs) => {
  const axis = util.parseAxisParam((attrs as unknown as ArgMinAttrs).axis, x!.shape)[0];
  return b.run1('arg_min', [x!], { axis }, 'int32');
});
