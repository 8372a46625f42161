/** Reductions over axes and along one axis, one row each (native ops in native/kernels/reduce.cc). */
import {
  All,
  Any,
  ArgMax,
  type ArgMaxAttrs,
  ArgMin,
  type DataType,
  type KernelConfig,
  Max,
  Mean,
  Min,
  Prod,
  Sum,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from '../backend.js';
import { identity, kernel } from '../kernel_utils.js';

/** Ops that take all axes in one call; the others take one (reduceOneByOne). */
type AxesOp = 'sum' | 'mean' | 'max' | 'min';
type OneAxisOp = 'prod' | 'all' | 'any';
const AXES_OPS: readonly string[] = ['sum', 'mean', 'max', 'min'] satisfies AxesOp[];

const same = (d: DataType): DataType => d;
// Sum and Prod of int32 or bool are int32, as in tfjs.
const intOrFloat = (d: DataType): DataType => (d === 'float32' ? 'float32' : 'int32');

/** [tfjs kernel, native op, the result's dtype from x's] */
export const REDUCE_KERNELS: readonly (readonly [
  kernelName: string,
  op: AxesOp | OneAxisOp,
  (x: DataType) => DataType,
])[] = [
  [Sum, 'sum', intOrFloat],
  [Mean, 'mean', () => 'float32'],
  [Max, 'max', same],
  [Min, 'min', same],
  [Prod, 'prod', intOrFloat],
  [All, 'all', () => 'bool'],
  [Any, 'any', () => 'bool'],
];

/** [tfjs kernel, native op]: the index of the largest or smallest value along one axis, int32 (the first on ties). */
export const ARG_REDUCE_KERNELS: readonly (readonly [kernelName: string, op: 'arg_max' | 'arg_min'])[] = [
  [ArgMax, 'arg_max'],
  [ArgMin, 'arg_min'],
];

/** The kernel of a REDUCE_KERNELS row; no axes is the identity (cast to the result's dtype). */
function reduceKernel(kernelName: string, op: AxesOp | OneAxisOp, dtype: (x: DataType) => DataType): KernelConfig {
  return kernel(kernelName, (b, { x }, attrs) => {
    // Max names its axes reductionIndices; the others say axis.
    const axes = util.parseAxisParam((attrs.axis ?? attrs.reductionIndices) as number | number[], x!.shape);
    const keep = Boolean(attrs.keepDims);
    const out = dtype(x!.dtype);
    if (axes.length === 0) return identity(b, x!, out);
    if (AXES_OPS.includes(op)) return b.run1(op as AxesOp, [x!], { keepDims: keep, axes }, out);
    return reduceOneByOne(
      b,
      op as OneAxisOp,
      x!,
      [...axes].sort((p, q) => q - p),
      keep,
      out,
    );
  });
}

/** Reduces one axis at a time, highest first so that the indices stay valid. */
function reduceOneByOne(
  b: LibtorchBackend,
  op: OneAxisOp,
  x: TensorInfo,
  axes: number[],
  keep: boolean,
  out: DataType,
) {
  let cur = x;
  for (const axis of axes) {
    const next = b.run1(op, [cur], { keepDims: keep, axis }, out);
    if (cur !== x) b.disposeData(cur.dataId);
    cur = next;
  }
  return cur;
}

/** The kernel of an ARG_REDUCE_KERNELS row. */
function argReduceKernel(kernelName: string, op: 'arg_max' | 'arg_min'): KernelConfig {
  return kernel(kernelName, (b, { x }, attrs) => {
    const axis = util.parseAxisParam((attrs as unknown as ArgMaxAttrs).axis, x!.shape)[0];
    return b.run1(op, [x!], { axis }, 'int32');
  });
}

export const reduceKernels: KernelConfig[] = [
  ...REDUCE_KERNELS.map((row) => reduceKernel(...row)),
  ...ARG_REDUCE_KERNELS.map((row) => argReduceKernel(...row)),
];
