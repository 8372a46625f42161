/** _FusedMatMul: matmul + bias (addmm) + activation in one native call. */
import { _FusedMatMul, type _FusedMatMulAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { ACTIVATIONS, kernel } from '../kernel_utils.js';

export const fusedMatMulConfig = kernel(_FusedMatMul, (b, { a, b: y, bias, preluActivationWeights }, attrs) => {
  const at = attrs as unknown as _FusedMatMulAttrs;
  const inputs = [a!, y!, bias, preluActivationWeights].filter((t): t is TensorInfo => t != null);
  return b.run1(
    'matmul',
    inputs,
    {
      transposeA: at.transposeA,
      transposeB: at.transposeB,
      activation: ACTIVATIONS[at.activation ?? 'linear'],
      leakyreluAlpha: at.leakyreluAlpha ?? 0.2,
      hasBias: bias != null,
      hasPrelu: preluActivationWeights != null,
    },
    'float32',
  );
});
