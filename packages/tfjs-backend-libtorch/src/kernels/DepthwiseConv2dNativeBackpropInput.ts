/** DepthwiseConv2dNativeBackpropInput: grouped convolution_backward, input gradient. */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
} from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';
import { convAttrs } from './conv_utils.js';

export const depthwiseConv2dNativeBackpropInputConfig = kernel(
  DepthwiseConv2dNativeBackpropInput,
  (b, { dy, filter }, attrs) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const s = a.inputShape;
    const info = backend_util.computeConv2DInfo(
      s,
      filter!.shape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
      true,
    );
    return b.run1('conv2d_backprop_input', [dy!, filter!], convAttrs(info, true, { inputShape: s }), 'float32');
  },
);
