/** AddN: sum of a list of same-shape tensors. */
import { AddN, upcastType } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const addNConfig = kernel(AddN, (b, inputs) => {
  const ts = Object.values(inputs).filter((t) => t != null) as NonNullable<(typeof inputs)[string]>[];
  return b.run1(
    'add_n',
    ts,
    {},
    ts.map((t) => t.dtype).reduce((x, y) => upcastType(x, y)),
  );
});
