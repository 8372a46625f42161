/** LibtorchRelu6Grad (our own kernel name): dy where 0 < x <= 6, else 0. */
import { kernel } from '../kernel_utils.js';

export const libtorchRelu6GradConfig = kernel('LibtorchRelu6Grad', (b, { dy, x }) =>
  b.run1('relu6_grad', [dy!, x!], {}, 'float32'),
);
