/** Cos: elementwise, native op 'cos'. */
import { Cos } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const cosConfig = unaryKernel(Cos, 'cos');
