/** Any: logical or over axes. */
import { Any } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const anyConfig = reduceKernel(Any, 'any', () => 'bool', false);
