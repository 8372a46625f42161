/** _FusedMatMul: matmul + bias (addmm) + activation in one native call. */
import { _FusedMatMul, type _FusedMatMulAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { ACTIVATIONS, kernel } from '../kernel_utils.js';

export const fusedMatMulConfig = kernel(_FusedMatMul, (b, { a, b: y, bias, preluActivationWeights }, attrs) => {
  const at = attrs as unknown as _FusedMatMulAttrs;
  const inputs = [a!, y!, bias, preluActivationWeights].filter((t): t is TensorInfo => t != null);
  return b.run1(
    'matmul',
    inputs,
    [
      at.transposeA ? 1 : 0,
      at.transposeB ? 1 : 0,
      ACTIVATIONS[at.activation ?? 'linear'],
      at.leakyreluAlpha ?? 0.2,
      bias ? 1 : 0,
      preluActivationWeights ? 1 : 0,
    ],
    'float32',
  );
});
