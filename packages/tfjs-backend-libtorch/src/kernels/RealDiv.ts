/** RealDiv: broadcasting binary op, native op 'div', result dtype upcast as in tfjs. */
import { RealDiv } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const realDivConfig = binaryKernel(RealDiv, 'div');
