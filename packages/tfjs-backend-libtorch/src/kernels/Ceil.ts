/** Ceil: elementwise, native op 'ceil'. */
import { Ceil } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const ceilConfig = unaryKernel(Ceil, 'ceil');
