/** OneHot: indices compared with 0..depth-1; out-of-range indices give a row of offValue. */
import { OneHot, type OneHotAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const oneHotConfig = kernel(OneHot, (b, { indices }, attrs) => {
  const { depth, onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
  return b.run1('one_hot', [indices!], { depth, onValue, offValue }, dtype);
});
