/** Concat: at::cat along one axis; empty inputs are dropped as in tfjs. */
import { backend_util, Concat, type ConcatAttrs, upcastType, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const concatConfig = kernel(Concat, (b, inputs, attrs) => {
  const ts = Object.values(inputs).filter((t) => t != null) as NonNullable<(typeof inputs)[string]>[];
  const axis = util.parseAxisParam((attrs as unknown as ConcatAttrs).axis, ts[0].shape)[0];
  backend_util.assertParamsConsistent(
    ts.map((t) => t.shape),
    axis,
  );
  const dtype = ts.map((t) => t.dtype).reduce((x, y) => upcastType(x, y));
  const nonEmpty = ts.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (nonEmpty.length === 0) {
    const shape = backend_util.computeOutShape(
      ts.map((t) => t.shape),
      axis,
    );
    return b.run1('reshape', [ts[0]], { shape }, dtype);
  }
  return b.run1('concat', nonEmpty, { axis }, dtype);
});
