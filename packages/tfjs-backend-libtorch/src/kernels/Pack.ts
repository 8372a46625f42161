/** Pack: at::stack along a new axis. */
import { Pack, type PackAttrs, upcastType } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const packConfig = kernel(Pack, (b, inputs, attrs) => {
  const ts = Object.values(inputs).filter((t) => t != null) as NonNullable<(typeof inputs)[string]>[];
  let axis = (attrs as unknown as PackAttrs).axis;
  if (axis < 0) axis += ts[0].shape.length + 1;
  return b.run1(
    'stack',
    ts,
    { axis },
    ts.map((t) => t.dtype).reduce((x, y) => upcastType(x, y)),
  );
});
