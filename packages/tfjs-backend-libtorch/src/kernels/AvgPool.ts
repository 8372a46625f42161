/** AvgPool: averages over the valid cells of each window (padding not counted). */
import { AvgPool, type AvgPoolAttrs } from '@tensorflow/tfjs-core';

import { identity, kernel } from '../kernel_utils.js';
import { isIdentityPool, poolGeometry } from './pool_utils.js';

export const avgPoolConfig = kernel(AvgPool, (b, { x }, attrs) => {
  const { info, geom } = poolGeometry(x!, attrs as unknown as AvgPoolAttrs);
  if (isIdentityPool(info, x!)) return identity(b, x!);
  return b.run1('avg_pool', [x!], geom, 'float32');
});
