/** FusedBatchNorm: (x - mean) / sqrt(var + eps) * scale + offset in one pass (native addcmul). */
import { FusedBatchNorm, type FusedBatchNormAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const fusedBatchNormConfig = kernel(FusedBatchNorm, (b, { x, mean, variance, offset, scale }, attrs) => {
  const eps = (attrs as unknown as FusedBatchNormAttrs).varianceEpsilon ?? 0.001;
  const inputs = [x!, mean!, variance!, offset, scale].filter((t): t is TensorInfo => t != null);
  return b.run1(
    'batch_norm',
    inputs,
    { varianceEpsilon: eps, hasOffset: offset != null, hasScale: scale != null },
    'float32',
  );
});
