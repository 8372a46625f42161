/** SquaredDifference: broadcasting binary op, native op 'squared_difference', result dtype upcast as in tfjs. */
import { SquaredDifference } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const squaredDifferenceConfig = binaryKernel(SquaredDifference, 'squared_difference');
