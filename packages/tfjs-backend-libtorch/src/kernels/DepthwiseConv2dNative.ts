/** DepthwiseConv2dNative: grouped at::convolution, one group per input channel. */
import { backend_util, DepthwiseConv2dNative, type DepthwiseConv2dNativeAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs } from './conv_utils.js';

export const depthwiseConv2dNativeConfig = kernel(DepthwiseConv2dNative, (b, { x, filter }, attrs) => {
  const a = attrs as unknown as DepthwiseConv2dNativeAttrs;
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filter!.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? [1, 1],
    a.pad,
    a.dimRoundingMode,
    true,
  );
  return b.run1(
    'conv2d',
    [x!, filter!],
    convAttrs(info, true, { activation: 0, leakyreluAlpha: 0, hasBias: false, hasPrelu: false }),
    'float32',
  );
});
