/** Softplus: elementwise, native op 'softplus'. */
import { Softplus } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const softplusConfig = unaryKernel(Softplus, 'softplus');
