/** PadV2: constant padding (at::constant_pad_nd). */
import { PadV2, type PadV2Attrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const padV2Config = kernel(PadV2, (b, { x }, attrs) => {
  const { paddings, constantValue } = attrs as unknown as PadV2Attrs;
  return b.run1('pad', [x!], { value: constantValue, paddings: paddings.flat() });
});
