/** Select: at::where; a rank-1 condition chooses whole rows of t / e, as in tfjs. */
import { Select, upcastType } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const selectConfig = kernel(Select, (b, { condition, t, e }) =>
  b.run1('select', [condition!, t!, e!], {}, upcastType(t!.dtype, e!.dtype)),
);
