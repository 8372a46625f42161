/** Atan2: broadcasting binary op, native op 'atan2', result dtype upcast as in tfjs. */
import { Atan2 } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const atan2Config = binaryKernel(Atan2, 'atan2');
