/** OnesLike: elementwise, native op 'ones_like'. */
import { OnesLike } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const onesLikeConfig = unaryKernel(OnesLike, 'ones_like');
