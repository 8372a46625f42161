/** Pow: broadcasting binary op, native op 'pow', result dtype upcast as in tfjs. */
import { Pow } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const powConfig = binaryKernel(Pow, 'pow');
