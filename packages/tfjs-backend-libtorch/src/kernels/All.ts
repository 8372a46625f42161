/** All: logical and over axes. */
import { All } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const allConfig = reduceKernel(All, 'all', () => 'bool', false);
