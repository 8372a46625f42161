/** LibtorchMeanGrad (our own kernel name): dy / count broadcast to the input shape. */
import { kernel } from '../kernel_utils.js';

export const libtorchMeanGradConfig = kernel('LibtorchMeanGrad', (b, { dy }, attrs) => {
  const { count, expanded, shape } = attrs as unknown as { count: number; expanded: number[]; shape: number[] };
  return b.run1('mean_grad', [dy!], { count, expanded, shape }, 'float32');
});
