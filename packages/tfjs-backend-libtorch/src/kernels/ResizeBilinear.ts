/** ResizeBilinear with tfjs's alignCorners / halfPixelCenters conventions (separable native op). */
import { ResizeBilinear, type ResizeBilinearAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const resizeBilinearConfig = kernel(ResizeBilinear, (b, { images }, attrs) => {
  const { size, alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearAttrs;
  return b.run1(
    'resize_bilinear',
    [images!],
    { outHeight: size[0], outWidth: size[1], alignCorners, halfPixelCenters },
    'float32',
  );
});
