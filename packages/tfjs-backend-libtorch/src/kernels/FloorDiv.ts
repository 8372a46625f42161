/** FloorDiv: broadcasting binary op, native op 'floor_div', result dtype upcast as in tfjs. */
import { FloorDiv } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const floorDivConfig = binaryKernel(FloorDiv, 'floor_div', 'int32');
