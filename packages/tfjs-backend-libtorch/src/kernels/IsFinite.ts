/** IsFinite: elementwise, native op 'is_finite'. */
import { IsFinite } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const isFiniteConfig = unaryKernel(IsFinite, 'is_finite', 'bool');
