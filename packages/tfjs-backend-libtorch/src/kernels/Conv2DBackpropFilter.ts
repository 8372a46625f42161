/** Conv2DBackpropFilter: at::convolution_backward, weight gradient only. */
import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs, requireNHWC } from './conv_utils.js';

export const conv2DBackpropFilterConfig = kernel(Conv2DBackpropFilter, (b, { x, dy }, attrs) => {
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  requireNHWC(a.dataFormat);
  const f = a.filterShape;
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    f,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return b.run1('conv2d_backprop_filter', [x!, dy!], convAttrs(info, false, { filterShape: f }), 'float32');
});
