/** Add: broadcasting binary op, native op 'add', result dtype upcast as in tfjs. */
import { Add } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const addConfig = binaryKernel(Add, 'add');
