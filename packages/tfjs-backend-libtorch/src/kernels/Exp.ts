/** Exp: elementwise, native op 'exp'. */
import { Exp } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const expConfig = unaryKernel(Exp, 'exp');
