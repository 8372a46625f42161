/** Sqrt: elementwise, native op 'sqrt'. */
import { Sqrt } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const sqrtConfig = unaryKernel(Sqrt, 'sqrt');
