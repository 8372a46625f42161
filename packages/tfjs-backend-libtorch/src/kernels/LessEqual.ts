/** LessEqual: broadcasting binary op, native op 'less_equal', result bool. */
import { LessEqual } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const lessEqualConfig = binaryKernel(LessEqual, 'less_equal', 'bool');
