/**
 * What the fused optimizers (adam.ts, sgd.ts) share: installing a fused applyGradients on an optimizer class
 * for libtorch only, reading the gradients as tfjs' optimizers do, and the weight decay callers set with
 * setWeightDecay.
 */
import {
  AdamOptimizer,
  getBackend,
  MomentumOptimizer,
  SGDOptimizer,
  type NamedTensorMap,
  type Optimizer,
  type Tensor,
} from '@tensorflow/tfjs-core';

export type NamedGradients = Parameters<Optimizer['applyGradients']>[0];

/** Weight decay applied inside the fused kernels. */
export interface WeightDecay {
  /** The decay factor wd (> 0). */
  weightDecay: number;
  /** true: decoupled, x ← x·(1 − lr·wd) before the step (AdamW); false: L2, g ← g + wd·x. */
  decoupled: boolean;
}

const decays = new WeakMap<object, WeightDecay>();

/** The optimizer classes with fused steps (MomentumOptimizer extends SGDOptimizer). */
const FUSED = [AdamOptimizer, SGDOptimizer, MomentumOptimizer];

/**
 * Sets the weight decay that the fused libtorch step of `optimizer` (tf.train.adam, tf.train.sgd,
 * tf.train.momentum) applies inside its kernel: decoupled (AdamW, as torch.optim.AdamW: the variable is
 * scaled by 1 − lr·wd, lr being the optimizer's current rate, before the step) or L2 (wd·x added to the
 * gradient, as torch.optim's weight_decay). 0 removes it.
 *
 * Returns true when the decay is stored and the fused steps apply it: the backend is libtorch and the
 * optimizer is one of those three. Otherwise (another backend, another optimizer) it stores nothing and
 * returns false, and the caller applies the decay itself as before. A decay stored on libtorch makes a later
 * step on another backend throw instead of silently skipping it (setting 0 clears it on any backend).
 */
export function setWeightDecay(optimizer: Optimizer, weightDecay: number, decoupled: boolean): boolean {
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new RangeError(`weight decay must be a finite number >= 0, got ${weightDecay}`);
  }
  if (weightDecay === 0) decays.delete(optimizer);
  if (getBackend() !== 'libtorch' || !FUSED.some((c) => Object.prototype.isPrototypeOf.call(c.prototype, optimizer)))
    return false;
  if (weightDecay > 0) decays.set(optimizer, { weightDecay, decoupled });
  return true;
}

/** The kernel attributes of the decay set on `optimizer` (none: weightDecay 0). */
export function decayAttrs(optimizer: object): { weightDecay: number; decoupled: boolean } {
  return decays.get(optimizer) ?? { weightDecay: 0, decoupled: false };
}

/** The variable names of a step's gradients, in tfjs' order. */
export function namesOf(gradients: NamedGradients): string[] {
  return Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
}

/** The gradient of the i-th name (null or undefined when missing, which tfjs skips). */
export function gradientOf(gradients: NamedGradients, name: string, i: number): Tensor | undefined {
  return Array.isArray(gradients) ? gradients[i].tensor : (gradients as NamedTensorMap)[name];
}

/**
 * Replaces `cls.prototype.applyGradients` with `fused` while the backend is libtorch; on other backends
 * tfjs' own runs (a weight decay set on libtorch then throws: the caller was told the kernel applies it).
 */
export function installFused(
  cls: { prototype: object; name: string },
  fused: (optimizer: Optimizer, gradients: NamedGradients) => void,
): void {
  const proto = cls.prototype as { applyGradients(g: NamedGradients): void; __libtorch?: boolean };
  if (Object.hasOwn(proto, '__libtorch')) return;
  const original = proto.applyGradients;
  proto.applyGradients = function (this: Optimizer, gradients: NamedGradients): void {
    if (getBackend() === 'libtorch') {
      fused(this, gradients);
      return;
    }
    if (decays.has(this)) {
      throw new Error(
        `${cls.name}: a weight decay was set with setWeightDecay for the fused libtorch step, but the backend is ` +
          `now '${getBackend()}'; clear it (setWeightDecay(optimizer, 0, …)) and apply the decay in JS`,
      );
    }
    original.call(this, gradients);
  };
  proto.__libtorch = true;
}
