/** Transpose: permute, then one contiguous copy. */
import { Transpose, type TransposeAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const transposeConfig = kernel(Transpose, (b, { x }, attrs) =>
  b.run1('transpose', [x!], { perm: (attrs as unknown as TransposeAttrs).perm }),
);
