/** Sub: broadcasting binary op, native op 'sub', result dtype upcast as in tfjs. */
import { Sub } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const subConfig = binaryKernel(Sub, 'sub');
