/** Slice: narrow per dimension, then one contiguous copy. */
import { Slice, type SliceAttrs, slice_util, type Tensor } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const sliceConfig = kernel(Slice, (b, { x }, attrs) => {
  const a = attrs as unknown as SliceAttrs;
  const [begin, size] = slice_util.parseSliceParams(x! as Tensor, a.begin, a.size);
  slice_util.assertParamsValid(x! as Tensor, begin, size);
  return b.run1('slice', [x!], { begin, size });
});
