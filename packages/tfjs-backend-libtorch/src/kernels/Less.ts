/** Less: broadcasting binary op, native op 'less', result bool. */
import { Less } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const lessConfig = binaryKernel(Less, 'less', 'bool');
