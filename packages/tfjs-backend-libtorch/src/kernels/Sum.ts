/** Sum: int32 for int32/bool inputs, as tfjs. */
import { Sum } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const sumConfig = reduceKernel(Sum, 'sum', (d) => (d === 'float32' ? 'float32' : 'int32'));
