/**
 * LibtorchSgd and LibtorchMomentum: one fused SGD or momentum step for one variable (native ops 'sgd' and
 * 'momentum'); see optimizers/sgd.ts. Inputs c (−lr) and mu (the momentum) are the optimizers' own scalars.
 */
import { kernel } from '../kernel_utils.js';

export interface LibtorchSgdAttrs {
  /** The learning rate, used only by decoupled weight decay (the step itself multiplies by input c). */
  learningRate: number;
  /** Weight decay (optional, default 0: none); see optimizers/weight_decay.ts. */
  weightDecay?: number;
  /** With weightDecay: decoupled x·(1 − lr·wd) before the step, else L2 (g + wd·x). */
  decoupled?: boolean;
}

export interface LibtorchMomentumAttrs extends LibtorchSgdAttrs {
  useNesterov: boolean;
}

export const libtorchSgdConfig = kernel('LibtorchSgd', (b, { x, g, c }, attrs) => {
  const a = attrs as unknown as LibtorchSgdAttrs;
  return b.run1(
    'sgd',
    [x!, g!, c!],
    { learningRate: a.learningRate, weightDecay: a.weightDecay ?? 0, decoupled: a.decoupled ?? false },
    'float32',
  );
});

export const libtorchMomentumConfig = kernel('LibtorchMomentum', (b, { x, accumulation, g, c, mu }, attrs) => {
  const a = attrs as unknown as LibtorchMomentumAttrs;
  return b.run(
    'momentum',
    [x!, accumulation!, g!, c!, mu!],
    {
      learningRate: a.learningRate,
      weightDecay: a.weightDecay ?? 0,
      decoupled: a.decoupled ?? false,
      nesterov: a.useNesterov,
    },
    'float32',
  );
});
