/** FusedDepthwiseConv2D: depthwise convolution + bias + activation. */
import {
  backend_util,
  FusedDepthwiseConv2D,
  type FusedDepthwiseConv2DAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { ACTIVATIONS, kernel } from '../kernel_utils.js';
import { convAttrs, requireNHWC } from './conv_utils.js';

export const fusedDepthwiseConv2DConfig = kernel(
  FusedDepthwiseConv2D,
  (b, { x, filter, bias, preluActivationWeights }, attrs) => {
    const a = attrs as unknown as FusedDepthwiseConv2DAttrs;
    requireNHWC(a.dataFormat);
    const info = backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      filter!.shape as [number, number, number, number],
      a.strides,
      a.dilations ?? [1, 1],
      a.pad,
      a.dimRoundingMode,
      true,
    );
    const inputs = [x!, filter!, bias, preluActivationWeights].filter((t): t is TensorInfo => t != null);
    return b.run1(
      'conv2d',
      inputs,
      convAttrs(info, true, {
        activation: ACTIVATIONS[a.activation ?? 'linear'],
        leakyreluAlpha: a.leakyreluAlpha ?? 0.2,
        hasBias: bias != null,
        hasPrelu: preluActivationWeights != null,
      }),
      'float32',
    );
  },
);
