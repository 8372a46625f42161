/** Transform (tf.image.transform): projective resampling, every image with its own row (native op 'transform'). */
import { Transform, type TransformAttrs } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

const INTERPOLATION = { nearest: 0, bilinear: 1 } as const;
const FILL_MODE = { constant: 0, reflect: 1, wrap: 2, nearest: 3 } as const;

export const transformConfig = kernel(Transform, (b, { image, transforms }, attrs) => {
  const { interpolation, fillMode, fillValue, outputShape } = attrs as unknown as TransformAttrs;
  const [outH, outW] = outputShape ?? [image!.shape[1], image!.shape[2]];
  return b.run1(
    'transform',
    [image!, transforms!],
    {
      interpolation: INTERPOLATION[interpolation],
      fillMode: FILL_MODE[fillMode],
      fillValue,
      outHeight: outH,
      outWidth: outW,
    },
    'float32',
  );
});
