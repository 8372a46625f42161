/**
 * LibtorchSiluGrad and LibtorchGeluGrad (our own kernel names): dy times the derivative of SiLU (x·sigmoid(x)) or
 * of the exact GELU (x·Φ(x)) at x, in one native pass (ATen's silu_backward, gelu_backward). medcnn's SiLU and
 * GELU keep only x for their gradient and call these on libtorch.
 */
import { kernel } from '../kernel_utils.js';

export const libtorchSiluGradConfig = kernel('LibtorchSiluGrad', (b, { dy, x }) =>
  b.run1('silu_grad', [dy!, x!], {}, 'float32'),
);

export const libtorchGeluGradConfig = kernel('LibtorchGeluGrad', (b, { dy, x }) =>
  b.run1('gelu_grad', [dy!, x!], {}, 'float32'),
);
