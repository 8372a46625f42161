/** Mean: always float32, as tfjs. */
import { Mean } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const meanConfig = reduceKernel(Mean, 'mean', () => 'float32');
