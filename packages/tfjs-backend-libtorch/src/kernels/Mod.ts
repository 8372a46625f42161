/** Mod: broadcasting binary op, native op 'mod', result dtype upcast as in tfjs. */
import { Mod } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const modConfig = binaryKernel(Mod, 'mod');
