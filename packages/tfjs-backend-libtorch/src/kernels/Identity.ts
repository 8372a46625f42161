/** Identity: elementwise, native op 'identity' (a new handle on the same ATen storage: no copy). */
import { Identity } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const identityConfig = unaryKernel(Identity, 'identity');
