/** FlipLeftRight: flips NHWC images along width. */
import { FlipLeftRight } from '@tensorflow/tfjs-core';

import { kernel } from '../kernel_utils.js';

export const flipLeftRightConfig = kernel(FlipLeftRight, (b, { image }) => b.run1('reverse', [image!], { axes: [2] }));
