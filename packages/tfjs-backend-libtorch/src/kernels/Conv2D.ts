/** Conv2D: at::convolution on a channels_last view of the NHWC input. */
import { backend_util, Conv2D, type Conv2DAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs, requireNHWC } from './conv_utils.js';

export const conv2DConfig = kernel(Conv2D, (b, { x, filter }, attrs) => {
  const a = attrs as unknown as Conv2DAttrs;
  requireNHWC(a.dataFormat);
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filter!.shape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
  );
  return b.run1(
    'conv2d',
    [x!, filter!],
    convAttrs(info, false, { activation: 0, leakyreluAlpha: 0, hasBias: false, hasPrelu: false }),
    'float32',
  );
});
