/** Broadcasting comparisons and logical ops with a bool result, one row each (native ops in native/kernels/binary.cc). */
import {
  Equal,
  Greater,
  GreaterEqual,
  type KernelConfig,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalOr,
  LogicalXor,
  NotEqual,
} from '@tensorflow/tfjs-core';

import type { NativeOp } from '../native_ops.js';
import { binaryKernel } from './binary.js';

/** [tfjs kernel, native op] on inputs `a` and `b` */
export const COMPARE_KERNELS: readonly (readonly [kernelName: string, op: NativeOp])[] = [
  [Equal, 'equal'],
  [NotEqual, 'not_equal'],
  [Greater, 'greater'],
  [GreaterEqual, 'greater_equal'],
  [Less, 'less'],
  [LessEqual, 'less_equal'],
  [LogicalAnd, 'logical_and'],
  [LogicalOr, 'logical_or'],
  [LogicalXor, 'logical_xor'],
];

export const compareKernels: KernelConfig[] = COMPARE_KERNELS.map(([name, op]) => binaryKernel(name, op, 'bool'));
