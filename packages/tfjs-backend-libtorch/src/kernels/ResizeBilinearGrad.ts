/** ResizeBilinearGrad: the transpose of ResizeBilinear's sampling. */
import { ResizeBilinearGrad, type ResizeBilinearGradAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const resizeBilinearGradConfig = kernel(ResizeBilinearGrad, (b, { images, dy }, attrs) => {
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearGradAttrs;
  return b.run1('resize_bilinear_grad', [dy!, images!], { alignCorners, halfPixelCenters }, 'float32');
});
