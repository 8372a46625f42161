/** Greater: broadcasting binary op, native op 'greater', result bool. */
import { Greater } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const greaterConfig = binaryKernel(Greater, 'greater', 'bool');
