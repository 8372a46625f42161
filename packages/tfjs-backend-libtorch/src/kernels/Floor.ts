/** Floor: elementwise, native op 'floor'. */
import { Floor } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const floorConfig = unaryKernel(Floor, 'floor');
