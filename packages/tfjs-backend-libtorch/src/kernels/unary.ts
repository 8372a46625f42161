/** Elementwise unary kernels on input `x`, one row each (native ops in native/kernels/unary.cc). */
import {
  Abs,
  Ceil,
  ClipByValue,
  Cos,
  type DataType,
  Elu,
  Erf,
  Exp,
  Expm1,
  Floor,
  IsFinite,
  IsInf,
  IsNan,
  type KernelConfig,
  LeakyRelu,
  Log,
  Log1p,
  LogicalNot,
  type NamedAttrMap,
  Neg,
  OnesLike,
  Reciprocal,
  Relu,
  Relu6,
  Round,
  Rsqrt,
  Selu,
  Sigmoid,
  Sign,
  Sin,
  Softplus,
  Sqrt,
  Square,
  Step,
  Tanh,
  ZerosLike,
} from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import type { NativeOp, OpAttrs } from '../native_ops.js';

interface UnaryOptions {
  /** The result's dtype: x's when absent. */
  dtype?: DataType;
  /** The native op's attributes from the kernel's. */
  attrs?: (a: NamedAttrMap) => OpAttrs<NativeOp>;
}

/** [tfjs kernel, native op, options] */
export const UNARY_KERNELS: readonly (readonly [kernelName: string, op: NativeOp, options?: UnaryOptions])[] = [
  [Abs, 'abs'],
  [Neg, 'neg'],
  [Exp, 'exp'],
  [Expm1, 'expm1'],
  [Log, 'log'],
  [Log1p, 'log1p'],
  [Sqrt, 'sqrt'],
  [Rsqrt, 'rsqrt'],
  [Square, 'square'],
  [Reciprocal, 'reciprocal'],
  [Relu, 'relu'],
  [Relu6, 'relu6'],
  [Elu, 'elu'],
  [Selu, 'selu'],
  [Sigmoid, 'sigmoid'],
  [Softplus, 'softplus'],
  [Tanh, 'tanh'],
  [Sin, 'sin'],
  [Cos, 'cos'],
  [Erf, 'erf'],
  [Floor, 'floor'],
  [Ceil, 'ceil'],
  [Round, 'round'], // half to even, as tfjs
  [Sign, 'sign'],
  [IsNan, 'is_nan', { dtype: 'bool' }],
  [IsInf, 'is_inf', { dtype: 'bool' }],
  [IsFinite, 'is_finite', { dtype: 'bool' }],
  [LogicalNot, 'logical_not', { dtype: 'bool' }],
  [ZerosLike, 'zeros_like'],
  [OnesLike, 'ones_like'],
  [Step, 'step', { attrs: (a) => ({ alpha: (a.alpha as number) ?? 0 }) }], // the relu gradient uses it
  [LeakyRelu, 'leaky_relu', { attrs: (a) => ({ alpha: a.alpha as number }) }],
  [ClipByValue, 'clip', { attrs: (a) => ({ min: a.clipValueMin as number, max: a.clipValueMax as number }) }],
];

/** The kernel of one row. */
function unaryKernel(kernelName: string, op: NativeOp, { dtype, attrs }: UnaryOptions = {}): KernelConfig {
  return kernel(kernelName, (b, inputs, a) => {
    const x = inputs.x!;
    return b.run1(op, [x], attrs ? attrs(a) : {}, dtype ?? x.dtype);
  });
}

export const unaryKernels: KernelConfig[] = UNARY_KERNELS.map((row) => unaryKernel(...row));
