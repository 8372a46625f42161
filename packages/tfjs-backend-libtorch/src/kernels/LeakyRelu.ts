/** LeakyRelu: elementwise, native op 'leaky_relu'. */
import { LeakyRelu } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const leakyReluConfig = unaryKernel(LeakyRelu, 'leaky_relu', undefined, (a) => ({ alpha: a.alpha as number }));
