/** Maximum: broadcasting binary op, native op 'maximum', result dtype upcast as in tfjs. */
import { Maximum } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const maximumConfig = binaryKernel(Maximum, 'maximum');
