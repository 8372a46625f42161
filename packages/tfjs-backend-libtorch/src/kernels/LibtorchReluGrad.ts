/** LibtorchReluGrad (our own kernel name): dy where x > 0, else 0. */
import { kernel } from '../kernel_utils.js';

export const libtorchReluGradConfig = kernel('LibtorchReluGrad', (b, { dy, x }) =>
  b.run1('relu_grad', [dy!, x!], {}, 'float32'),
);
