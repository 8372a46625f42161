/** Pool geometry as the native pool ops take it: kH kW sH sW pT pB pL pR. */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';

export function poolGeometry(
  x: TensorInfo,
  attrs: {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): { info: backend_util.Conv2DInfo; geom: number[] } {
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
    geom: [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, p.top, p.bottom, p.left, p.right],
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
