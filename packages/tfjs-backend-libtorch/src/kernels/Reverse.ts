/** Reverse: at::flip over the given axes. */
import { Reverse, type ReverseAttrs, util } from '@tensorflow/tfjs-core';

import { identity, kernel } from '../kernel_utils.js';

export const reverseConfig = kernel(Reverse, (b, { x }, attrs) => {
  const axes = util.parseAxisParam((attrs as unknown as ReverseAttrs).dims, x!.shape);
  if (axes.length === 0) return identity(b, x!);
  return b.run1('reverse', [x!], { axes });
});
