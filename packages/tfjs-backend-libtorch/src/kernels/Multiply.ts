/** Multiply: broadcasting binary op, native op 'mul', result dtype upcast as in tfjs. */
import { Multiply } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const multiplyConfig = binaryKernel(Multiply, 'mul');
