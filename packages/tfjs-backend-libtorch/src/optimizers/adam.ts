/**
 * A faster Adam on libtorch. tfjs' AdamOptimizer updates each variable with about a dozen small kernels; on
 * libtorch it uses one fused kernel per variable instead (LibtorchAdam), with the same arithmetic, the same
 * state (the m and v variables, β1ᵗ and β2ᵗ) and so the same results. On other backends nothing changes.
 * A weight decay set with setWeightDecay (fused.ts) runs inside the same kernel.
 */
import { AdamOptimizer, engine, mul, tidy, zerosLike, type Tensor, type Variable } from '@tensorflow/tfjs-core';

import { decayAttrs, gradientOf, installFused, namesOf } from './fused.js';

/** The parts of AdamOptimizer's state this reads and writes (public in tfjs' JavaScript, protected in its types). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: { originalName: string; variable: Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: Variable }[];
  incrementIterations(): void;
}

export function installFusedAdam(): void {
  installFused(AdamOptimizer, (optimizer, gradients) => {
    const s = optimizer as unknown as AdamState;
    const decay = decayAttrs(optimizer);
    tidy(() => {
      namesOf(gradients).forEach((name, i) => {
        const value = engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        const g = gradientOf(gradients, name, i);
        if (g == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        const [x2, m2, v2] = engine().runKernel(
          'LibtorchAdam',
          { x: value, m, v, g, accBeta1: s.accBeta1, accBeta2: s.accBeta2 },
          { learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, ...decay },
        ) as Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(x2);
      });
      s.accBeta1.assign(mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  });
}
