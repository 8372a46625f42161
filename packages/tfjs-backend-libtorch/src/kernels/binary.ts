/** Broadcasting binary kernels, one row each (native ops in native/kernels/binary.cc). */
import {
  Add,
  Atan2,
  type DataType,
  EluGrad,
  FloorDiv,
  type KernelConfig,
  Maximum,
  Minimum,
  Mod,
  Multiply,
  Pow,
  Prelu,
  RealDiv,
  SquaredDifference,
  Sub,
  upcastType,
} from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import type { NativeOp } from '../native_ops.js';

/** The result's dtype: tfjs' upcast of the two inputs' dtypes, or one dtype. */
export type BinaryResult = 'upcast' | DataType;

/** [tfjs kernel, native op, result dtype ('upcast' when absent), names of the two inputs ('a', 'b' when absent)] */
export const BINARY_KERNELS: readonly (readonly [
  kernelName: string,
  op: NativeOp,
  result?: BinaryResult,
  inputs?: readonly [string, string],
])[] = [
  [Add, 'add'],
  [Sub, 'sub'],
  [Multiply, 'mul'],
  [RealDiv, 'div'],
  [FloorDiv, 'floor_div', 'int32'],
  [Mod, 'mod'],
  [Maximum, 'maximum'],
  [Minimum, 'minimum'],
  [Pow, 'pow'],
  [SquaredDifference, 'squared_difference'],
  [Atan2, 'atan2'],
  [Prelu, 'prelu', 'upcast', ['x', 'alpha']], // x where x > 0, else x * alpha
  // Gradients that tfjs, or src/gradients/ (the Libtorch names), runs as kernels of their own.
  [EluGrad, 'elu_grad', 'float32', ['dy', 'y']],
  ['LibtorchReluGrad', 'relu_grad', 'float32', ['dy', 'x']],
  ['LibtorchRelu6Grad', 'relu6_grad', 'float32', ['dy', 'x']],
];

/** The kernel of one row (compare.ts makes its kernels with it too). */
export function binaryKernel(
  kernelName: string,
  op: NativeOp,
  result: BinaryResult = 'upcast',
  [first, second]: readonly [string, string] = ['a', 'b'],
): KernelConfig {
  return kernel(kernelName, (b, inputs) => {
    const x = inputs[first]!,
      y = inputs[second]!;
    return b.run1(op, [x, y], {}, result === 'upcast' ? upcastType(x.dtype, y.dtype) : result);
  });
}

export const binaryKernels: KernelConfig[] = BINARY_KERNELS.map((row) => binaryKernel(...row));
