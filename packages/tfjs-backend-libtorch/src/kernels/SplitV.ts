/** SplitV: at::split_with_sizes along one axis; one output per size (a concatenation's gradient). */
import { backend_util, SplitV, type SplitVAttrs, util } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const splitVConfig = kernel(SplitV, (b, { x }, attrs) => {
  const { numOrSizeSplits, axis } = attrs as unknown as SplitVAttrs;
  const dim = util.parseAxisParam(axis, x!.shape)[0];
  const sizes = backend_util.prepareSplitSize(x!, numOrSizeSplits, dim);
  return b.run('split', [x!], { sizes, axis: dim });
});
