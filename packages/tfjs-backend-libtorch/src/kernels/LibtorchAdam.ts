/** LibtorchAdam: one fused Adam step for one variable (native op 'adam'); see optimizers/adam.ts. */
import { kernel } from '../kernel_utils.js';

export interface LibtorchAdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const libtorchAdamConfig = kernel('LibtorchAdam', (b, { x, m, v, g, accBeta1, accBeta2 }, attrs) => {
  const a = attrs as unknown as LibtorchAdamAttrs;
  return b.run(
    'adam',
    [x!, m!, v!, g!, accBeta1!, accBeta2!],
    { learningRate: a.learningRate, beta1: a.beta1, beta2: a.beta2, epsilon: a.epsilon },
    'float32',
  );
});
