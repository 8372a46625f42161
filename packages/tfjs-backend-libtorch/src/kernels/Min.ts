/** Min over axes (at::amin). */
import { Min } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const minConfig = reduceKernel(Min, 'min', (d) => d);
