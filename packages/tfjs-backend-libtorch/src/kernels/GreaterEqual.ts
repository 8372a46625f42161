/** GreaterEqual: broadcasting binary op, native op 'greater_equal', result bool. */
import { GreaterEqual } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const greaterEqualConfig = binaryKernel(GreaterEqual, 'greater_equal', 'bool');
