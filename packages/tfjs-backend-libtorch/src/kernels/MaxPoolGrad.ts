/** MaxPoolGrad: routes dy to the argmax cells, reusing the forward pass's indices. */
import { MaxPoolGrad, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { poolGeometry } from './pool_utils.js';

export const maxPoolGradConfig = kernel(MaxPoolGrad, (b, { dy, input, output }, attrs) => {
  const { geom } = poolGeometry(input!, attrs as unknown as MaxPoolGradAttrs);
  return b.run1('max_pool_grad', [dy!, input!, output!], geom, 'float32');
});
