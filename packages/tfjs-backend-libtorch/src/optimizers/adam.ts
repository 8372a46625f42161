/**
 * A faster Adam on libtorch. tfjs' AdamOptimizer updates each variable with about a dozen small kernels; on
 * libtorch it uses one fused kernel per variable instead (LibtorchAdam), with the same arithmetic, the same
 * state (the m and v variables, β1ᵗ and β2ᵗ) and so the same results. On other backends nothing changes.
 */
import {
  AdamOptimizer,
  engine,
  getBackend,
  mul,
  tidy,
  zerosLike,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';

type NamedGradients = Parameters<AdamOptimizer['applyGradients']>[0];

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
  const proto = AdamOptimizer.prototype as unknown as { applyGradients(g: NamedGradients): void; __libtorch?: boolean };
  if (proto.__libtorch) return;
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamOptimizer, gradients: NamedGradients): void {
    if (getBackend() !== 'libtorch') {
      original.call(this, gradients);
      return;
    }
    const s = this as unknown as AdamState;
    const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
    tidy(() => {
      names.forEach((name, i) => {
        const value = engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        const g = Array.isArray(gradients) ? gradients[i].tensor : (gradients as NamedTensorMap)[name];
        if (g == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        const [x2, m2, v2] = engine().runKernel(
          'LibtorchAdam',
          { x: value, m, v, g, accBeta1: s.accBeta1, accBeta2: s.accBeta2 },
          { learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon },
        ) as Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(x2);
      });
      s.accBeta1.assign(mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  };
  proto.__libtorch = true;
}
