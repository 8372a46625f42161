/** Helpers of the convolution kernels. */
import type { backend_util } from '@tensorflow/tfjs-core';

import { NotNative } from '../kernel_utils.js';

/** The geometry attributes every native convolution op takes (CONV_GEOMETRY in native_ops.ts). */
export function convGeometry(info: backend_util.Conv2DInfo, depthwise: boolean) {
  const p = info.padInfo;
  return {
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: p.top,
    padBottom: p.bottom,
    padLeft: p.left,
    padRight: p.right,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    depthwise,
  };
}

/** Native kernels take NHWC; NCHW data goes to the cpu backend. */
export function requireNHWC(dataFormat: unknown): void {
  if (dataFormat === 'NCHW') throw new NotNative('NCHW');
}
