/** Conv2DBackpropInput: at::convolution_backward, input gradient only. */
import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs, requireNHWC } from './conv_utils.js';

export const conv2DBackpropInputConfig = kernel(Conv2DBackpropInput, (b, { dy, filter }, attrs) => {
  const a = attrs as unknown as Conv2DBackpropInputAttrs;
  requireNHWC(a.dataFormat);
  const s = a.inputShape;
  const info = backend_util.computeConv2DInfo(
    s,
    filter!.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return b.run1('conv2d_backprop_input', [dy!, filter!], convAttrs(info, false, { inputShape: s }), 'float32');
});
