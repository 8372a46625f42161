/** ClipByValue: elementwise, native op 'clip' (clip bounds in attrs). */
import { ClipByValue } from '@tensorflow/tfjs-core';

import { unaryKernel } from '../kernel_utils.js';

export const clipByValueConfig = unaryKernel(ClipByValue, 'clip', undefined, (a) => ({
  min: a.clipValueMin as number,
  max: a.clipValueMax as number,
}));
