/** Relu6: elementwise, native op 'relu6'. */
import { Relu6 } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const relu6Config = unaryKernel(Relu6, 'relu6');
