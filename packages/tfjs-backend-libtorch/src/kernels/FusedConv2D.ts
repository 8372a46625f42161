/** FusedConv2D: convolution + bias + activation in one native call. */
import { backend_util, FusedConv2D, type FusedConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { ACTIVATIONS, kernel } from '../kernel_utils.js';
import { convAttrs, requireNHWC } from './conv_utils.js';

export const fusedConv2DConfig = kernel(FusedConv2D, (b, { x, filter, bias, preluActivationWeights }, attrs) => {
  const a = attrs as unknown as FusedConv2DAttrs;
  requireNHWC(a.dataFormat);
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filter!.shape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
  );
  const inputs = [x!, filter!, bias, preluActivationWeights].filter((t): t is TensorInfo => t != null);
  return b.run1(
    'conv2d',
    inputs,
    convAttrs(info, false, {
      activation: ACTIVATIONS[a.activation ?? 'linear'],
      leakyreluAlpha: a.leakyreluAlpha ?? 0.2,
      hasBias: bias != null,
      hasPrelu: preluActivationWeights != null,
    }),
    'float32',
  );
});
