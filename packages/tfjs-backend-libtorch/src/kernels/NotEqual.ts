/** NotEqual: broadcasting binary op, native op 'not_equal', result bool. */
import { NotEqual } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const notEqualConfig = binaryKernel(NotEqual, 'not_equal', 'bool');
