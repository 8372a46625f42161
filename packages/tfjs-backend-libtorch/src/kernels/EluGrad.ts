/** EluGrad: dy where y >= 0, else dy * (y + 1). */
import { EluGrad } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const eluGradConfig = kernel(EluGrad, (b, { dy, y }) => b.run1('elu_grad', [dy!, y!], {}, 'float32'));
