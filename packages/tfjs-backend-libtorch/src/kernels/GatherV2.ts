/** GatherV2 (batchDims 0): index_select; other batchDims go to the cpu backend. */
import { GatherV2, type GatherV2Attrs, util } from '@tensorflow/tfjs-core';

import { kernel, NotNative } from '../kernel_utils.js';

export const gatherV2Config = kernel(GatherV2, (b, { x, indices }, attrs) => {
  const a = attrs as unknown as GatherV2Attrs;
  if ((a.batchDims ?? 0) !== 0) throw new NotNative('batchDims');
  const axis = util.parseAxisParam(a.axis, x!.shape)[0];
  return b.run1('gather', [x!, indices!], { axis });
});
