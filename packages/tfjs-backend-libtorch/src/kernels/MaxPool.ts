/** MaxPool: at::max_pool2d_with_indices; the indices stay with the output for MaxPoolGrad. */
import { MaxPool, type MaxPoolAttrs } from '@tensorflow/tfjs-core';

import { identity, kernel } from '../kernel_utils.js';
import { isIdentityPool, poolGeometry } from './pool_utils.js';

export const maxPoolConfig = kernel(MaxPool, (b, { x }, attrs) => {
  const { info, geom } = poolGeometry(x!, attrs as unknown as MaxPoolAttrs);
  if (isIdentityPool(info, x!)) return identity(b, x!);
  return b.run1('max_pool', [x!], geom);
});
