/** ZerosLike: elementwise, native op 'zeros_like'. */
import { ZerosLike } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const zerosLikeConfig = unaryKernel(ZerosLike, 'zeros_like');
