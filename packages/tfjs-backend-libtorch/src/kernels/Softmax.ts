/** Softmax over the last axis (the only axis tfjs passes). */
import { Softmax } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const softmaxConfig = kernel(Softmax, (b, { logits }) => b.run1('softmax', [logits!], {}, 'float32'));
