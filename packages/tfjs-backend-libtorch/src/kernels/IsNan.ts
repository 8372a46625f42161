/** IsNan: elementwise, native op 'is_nan'. */
import { IsNan } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const isNanConfig = unaryKernel(IsNan, 'is_nan', 'bool');
