/** Max over axes (at::amax). */
import { Max } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const maxConfig = reduceKernel(Max, 'max', (d) => d);
