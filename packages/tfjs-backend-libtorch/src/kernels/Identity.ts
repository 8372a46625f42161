/** Identity: the same data under one more reference (no copy, no native call). */
import { Identity } from '@tensorflow/tfjs-core';

import { identity, kernel } from '../kernel_utils.js';

export const identityConfig = kernel(Identity, (b, { x }) => identity(b, x!));
