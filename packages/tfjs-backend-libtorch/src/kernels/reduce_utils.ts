/** Shared logic of the reduction kernels: axis parsing, empty-axis identity, one-axis-at-a-time ops. */
import { type DataType, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from '../backend.js';
import { identity, kernel } from '../kernel_utils.js';

type MultiAxisOp = 'sum' | 'mean' | 'max' | 'min';
type OneAxisOp = 'prod' | 'all' | 'any';

/**
 * A reduction kernel. `multiAxis` ops (sum, mean, max, min) take all axes in one call;
 * the others reduce one axis at a time, highest first so indices stay valid.
 */
export function reduceKernel(
  kernelName: string,
  op: MultiAxisOp | OneAxisOp,
  dtype: (x: DataType) => DataType,
  multiAxis = true,
) {
  return kernel(kernelName, (b, { x }, attrs: NamedAttrMap) => {
    // Max names its axes reductionIndices; the others say axis.
    const axes = util.parseAxisParam((attrs.axis ?? attrs.reductionIndices) as number | number[], x!.shape);
    const keep = Boolean(attrs.keepDims);
    const out = dtype(x!.dtype);
    if (axes.length === 0) return identity(b, x!, out);
    if (multiAxis) return b.run1(op as MultiAxisOp, [x!], { keepDims: keep, axes }, out);
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
