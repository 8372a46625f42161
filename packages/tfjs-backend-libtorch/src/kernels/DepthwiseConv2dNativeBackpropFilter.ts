/** DepthwiseConv2dNativeBackpropFilter: grouped convolution_backward, weight gradient. */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
} from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs } from './conv_utils.js';

export const depthwiseConv2dNativeBackpropFilterConfig = kernel(
  DepthwiseConv2dNativeBackpropFilter,
  (b, { x, dy }, attrs) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const f = a.filterShape;
    const info = backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      f,
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
      true,
    );
    return b.run1('conv2d_backprop_filter', [x!, dy!], convAttrs(info, true, { filterShape: f }), 'float32');
  },
);
