/** Equal: broadcasting binary op, native op 'equal', result bool. */
import { Equal } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const equalConfig = binaryKernel(Equal, 'equal', 'bool');
