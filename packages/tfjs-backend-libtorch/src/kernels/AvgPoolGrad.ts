/** AvgPoolGrad: spreads dy evenly over the valid cells of each window. */
import { AvgPoolGrad, type AvgPoolGradAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { poolGeometry } from './pool_utils.js';

export const avgPoolGradConfig = kernel(AvgPoolGrad, (b, { dy, input }, attrs) => {
  const { geom } = poolGeometry(input!, attrs as unknown as AvgPoolGradAttrs);
  return b.run1('avg_pool_grad', [dy!, input!], geom, 'float32');
});
