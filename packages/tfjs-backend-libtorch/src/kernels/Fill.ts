/** Fill: a new tensor of one value. */
import { Fill, type FillAttrs } from '@tensorflow/tfjs-core';

import { kernel, NotNative } from '../kernel_utils.js';

export const fillConfig = kernel(Fill, (b, _inputs, attrs) => {
  const { shape, value, dtype } = attrs as unknown as FillAttrs;
  if (dtype === 'string') throw new NotNative('string');
  return b.run1('fill', [], { value: Number(value), shape }, dtype ?? 'float32');
});
