/** Cast: ATen's to(); float to int truncates and nonzero is true, as in tfjs. */
import { Cast, type CastAttrs } from '@tensorflow/tfjs-core';

import { identity, kernel, NotNative } from '../kernel_utils.js';

export const castConfig = kernel(Cast, (b, { x }, attrs) => {
  const { dtype } = attrs as unknown as CastAttrs;
  if (dtype === 'complex64' || dtype === 'string' || x!.dtype === 'string') throw new NotNative(dtype);
  if (dtype === x!.dtype) return identity(b, x!);
  return b.run1('cast', [x!], {}, dtype);
});
