/** Unpack: at::unbind along one axis; one output per slice. */
import { Unpack, type UnpackAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const unpackConfig = kernel(Unpack, (b, { value }, attrs) => {
  let axis = (attrs as unknown as UnpackAttrs).axis;
  if (axis < 0) axis += value!.shape.length;
  return b.run('unstack', [value!], { axis });
});
