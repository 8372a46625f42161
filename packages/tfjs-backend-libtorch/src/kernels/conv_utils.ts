/** Conv geometry as the native conv ops take it: sH sW pT pB pL pR dH dW depthwise. */
import type { backend_util } from '@tensorflow/tfjs-core';

import { NotNative } from '../kernel_utils.js';

export function convGeometry(info: backend_util.Conv2DInfo, depthwise: boolean): number[] {
  const p = info.padInfo;
  return [
    info.strideHeight,
    info.strideWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
    info.dilationHeight,
    info.dilationWidth,
    depthwise ? 1 : 0,
  ];
}

/** Native kernels take NHWC; NCHW data goes to the cpu backend. */
export function requireNHWC(dataFormat: unknown): void {
  if (dataFormat === 'NCHW') throw new NotNative('NCHW');
}
