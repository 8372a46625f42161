/** BatchMatMul: at::matmul with broadcasting batch dimensions. */
import { BatchMatMul, type BatchMatMulAttrs, upcastType } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const batchMatMulConfig = kernel(BatchMatMul, (b, { a, b: y }, attrs) => {
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  return b.run1(
    'matmul',
    [a!, y!],
    { transposeA, transposeB, activation: 0, leakyreluAlpha: 0, hasBias: false, hasPrelu: false },
    upcastType(a!.dtype, y!.dtype),
  );
});
