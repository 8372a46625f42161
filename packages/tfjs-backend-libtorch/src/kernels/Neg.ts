/** Neg: elementwise, native op 'neg'. */
import { Neg } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const negConfig = unaryKernel(Neg, 'neg');
