/** Prod: one axis at a time (ATen's prod takes one dim). */
import { Prod } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce_utils.js';

export const prodConfig = reduceKernel(Prod, 'prod', (d) => (d === 'float32' ? 'float32' : 'int32'), false);
