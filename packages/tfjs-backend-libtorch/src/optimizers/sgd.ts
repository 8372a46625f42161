/**
 * Faster SGD and momentum on libtorch. tfjs' SGDOptimizer updates each variable with two kernels and
 * MomentumOptimizer with four or six (Nesterov); on libtorch each uses one fused kernel per variable
 * (LibtorchSgd, LibtorchMomentum) with tfjs' arithmetic and state: SGD's scalar c = −lr (renewed by
 * setLearningRate), momentum's scalar m (made once from the constructor's momentum, as tfjs uses it) and its
 * accumulations `${name}/momentum`. On other backends nothing changes. A weight decay set with
 * setWeightDecay (fused.ts) runs inside the same kernel.
 */
import {
  engine,
  MomentumOptimizer,
  SGDOptimizer,
  tidy,
  zerosLike,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';

import { decayAttrs, gradientOf, installFused, namesOf } from './fused.js';

/** The parts of SGDOptimizer's state this reads (public in tfjs' JavaScript, protected in its types). */
interface SgdState {
  learningRate: number;
  c: Scalar;
  incrementIterations(): void;
}

/** The parts of MomentumOptimizer's state this reads and writes. */
interface MomentumState extends SgdState {
  m: Scalar;
  useNesterov: boolean;
  accumulations: { originalName: string; variable: Variable }[];
}

export function installFusedSgd(): void {
  installFused(SGDOptimizer, (optimizer, gradients) => {
    const s = optimizer as unknown as SgdState;
    const attrs = { learningRate: s.learningRate, ...decayAttrs(optimizer) };
    tidy(() => {
      namesOf(gradients).forEach((name, i) => {
        const g = gradientOf(gradients, name, i);
        if (g == null) return;
        const value = engine().registeredVariables[name];
        value.assign(engine().runKernel('LibtorchSgd', { x: value, g, c: s.c }, attrs) as Tensor);
      });
    });
    s.incrementIterations();
  });
  installFused(MomentumOptimizer, (optimizer, gradients) => {
    const s = optimizer as unknown as MomentumState;
    const attrs = { learningRate: s.learningRate, useNesterov: s.useNesterov, ...decayAttrs(optimizer) };
    tidy(() => {
      namesOf(gradients).forEach((name, i) => {
        const value = engine().registeredVariables[name];
        s.accumulations[i] ??= {
          originalName: `${name}/momentum`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        const g = gradientOf(gradients, name, i);
        if (g == null) return;
        const accumulation = s.accumulations[i].variable;
        const [x2, acc2] = engine().runKernel(
          'LibtorchMomentum',
          { x: value, accumulation, g, c: s.c, mu: s.m },
          attrs,
        ) as Tensor[];
        accumulation.assign(acc2);
        value.assign(x2);
      });
    });
    s.incrementIterations();
  });
}
