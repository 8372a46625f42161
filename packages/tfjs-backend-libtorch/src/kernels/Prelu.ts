/** Prelu: x where x > 0, else x * alpha (alpha broadcast). */
import { Prelu, upcastType } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const preluConfig = kernel(Prelu, (b, { x, alpha }) =>
  b.run1('prelu', [x!, alpha!], {}, upcastType(x!.dtype, alpha!.dtype)),
);
