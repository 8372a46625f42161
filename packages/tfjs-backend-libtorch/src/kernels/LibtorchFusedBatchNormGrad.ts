/** LibtorchFusedBatchNormGrad (our own kernel name): one FusedBatchNorm gradient, chosen by attr `which`. */
import type { TensorInfo } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const libtorchFusedBatchNormGradConfig = kernel(
  'LibtorchFusedBatchNormGrad',
  (b, { dy, x, mean, variance, scale }, attrs) => {
    const { varianceEpsilon, which } = attrs as unknown as { varianceEpsilon?: number; which: number };
    const inputs = [dy!, x!, mean!, variance!, scale].filter((t): t is TensorInfo => t != null);
    return b.run1(
      'batch_norm_grad',
      inputs,
      { varianceEpsilon: varianceEpsilon ?? 0.001, hasScale: scale != null, which },
      'float32',
    );
  },
);
