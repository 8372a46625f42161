/** Helpers of the pooling kernels. */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';

import type { OpAttrs } from '../native_ops.js';

/** tfjs' pooling geometry, and the attributes every native pooling op takes (POOL_GEOMETRY in native_ops.ts). */
export function poolGeometry(
  x: TensorInfo,
  attrs: {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): { info: backend_util.Conv2DInfo; geom: OpAttrs<'max_pool'> } {
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const p = info.padInfo;
  return {
    info,
    geom: {
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: p.top,
      padBottom: p.bottom,
      padLeft: p.left,
      padRight: p.right,
    },
  };
}

/** A 1x1 window with stride 1 is the identity, as tfjs treats it. */
export function isIdentityPool(info: backend_util.Conv2DInfo, x: TensorInfo): boolean {
  return (
    info.filterWidth === 1 &&
    info.filterHeight === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.outShape.every((d, i) => d === x.shape[i])
  );
}
