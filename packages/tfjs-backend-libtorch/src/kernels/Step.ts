/** Step: elementwise, native op 'step' (relu gradient uses it). */
import { Step } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const stepConfig = unaryKernel(Step, 'step', undefined, (a) => ({ alpha: (a.alpha as number) ?? 0 }));
