/** Minimum: broadcasting binary op, native op 'minimum', result dtype upcast as in tfjs. */
import { Minimum } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const minimumConfig = binaryKernel(Minimum, 'minimum');
