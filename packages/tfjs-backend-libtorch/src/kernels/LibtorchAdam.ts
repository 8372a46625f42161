/** LibtorchAdam: one fused Adam step for one variable (native op 'adam'); see optimizers/adam.ts. */
import { kernel } from '../kernel_utils.js';

export interface LibtorchAdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Weight decay (optional, default 0: none); see optimizers/weight_decay.ts. */
  weightDecay?: number;
  /** With weightDecay: AdamW's decoupled x·(1 − lr·wd) before the step, else L2 (g + wd·x). */
  decoupled?: boolean;
}

export const libtorchAdamConfig = kernel('LibtorchAdam', (b, { x, m, v, g, accBeta1, accBeta2 }, attrs) => {
  const a = attrs as unknown as LibtorchAdamAttrs;
  return b.run(
    'adam',
    [x!, m!, v!, g!, accBeta1!, accBeta2!],
    {
      learningRate: a.learningRate,
      beta1: a.beta1,
      beta2: a.beta2,
      epsilon: a.epsilon,
      weightDecay: a.weightDecay ?? 0,
      decoupled: a.decoupled ?? false,
    },
    'float32',
  );
});
