/** Helpers of the convolution kernels. */
import type { backend_util } from '@tensorflow/tfjs-core';

import { NotNative } from '../kernel_utils.js';

/**
 * The attributes of a native convolution op: the geometry they all start with (CONV_GEOMETRY in
 * native_ops.ts), then the op's own `rest`. One object literal: spreading a finished 9-property object
 * into another cost ~4 us per call in Node 20's V8, a third of a small convolution.
 */
export function convAttrs<R extends object>(info: backend_util.Conv2DInfo, depthwise: boolean, rest: R) {
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
    ...rest,
  };
}

/** Native kernels take NHWC; NCHW data goes to the cpu backend. */
export function requireNHWC(dataFormat: unknown): void {
  if (dataFormat === 'NCHW') throw new NotNative('NCHW');
}
