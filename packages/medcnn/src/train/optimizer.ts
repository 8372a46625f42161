import * as tf from '@tensorflow/tfjs-core';
import { fuseWeightDecay } from '../engine/backend.js';
import { variableGrads } from '../engine/backward.js';
import type { TrainingRecipe } from './recipe.js';

/** One group of variables and its optimizer (a fine-tuned backbone gets its own, at a lower rate). */
interface Group {
  vars: tf.Variable[];
  optimizer: tf.Optimizer;
  baseRate: number;
  /** The weight decay runs inside the optimizer's fused native step (libtorch), not in JavaScript here. */
  decayInKernel: boolean;
}

/** The optimizers of a training run: one step per batch, the rate set per step by the schedule. */
export class Optimizers {
  private readonly groups: Group[];
  private readonly plain: boolean;

  constructor(
    private readonly recipe: Pick<TrainingRecipe, 'optimizer' | 'weightDecay' | 'momentum'>,
    private readonly vars: tf.Variable[],
    learningRate: number,
    slow?: { names: Set<string>; learningRate: number },
  ) {
    const slowVars = slow ? vars.filter((v) => slow.names.has(v.name)) : [];
    const fastVars = vars.filter((v) => !slowVars.includes(v));
    this.groups = [this.group(fastVars, learningRate)];
    if (slowVars.length > 0) this.groups.push(this.group(slowVars, slow!.learningRate));
    // One group whose decay (if any) runs in the kernel: minimize's steps, gradients then the optimizer's update.
    this.plain = this.groups.length === 1 && (recipe.weightDecay === 0 || this.groups[0].decayInKernel);
  }

  private group(vars: tf.Variable[], rate: number): Group {
    const { optimizer: kind, momentum, weightDecay } = this.recipe;
    const optimizer =
      kind === 'sgd'
        ? momentum > 0
          ? tf.train.momentum(rate, momentum)
          : tf.train.sgd(rate)
        : tf.train.adam(rate, 0.9, 0.999, 1e-8);
    const decayInKernel = weightDecay > 0 && fuseWeightDecay(optimizer, weightDecay, kind === 'adamw');
    return { vars, optimizer, baseRate: rate, decayInKernel };
  }

  /** Scales every group's rate by `factor` (the schedule's), from its base rate. */
  setRateFactor(factor: number): void {
    for (const g of this.groups) {
      const rate = g.baseRate * factor;
      // tfjs' SGD keeps −rate as a tensor (setLearningRate renews it); Adam reads its field at each step.
      // (instanceof cannot tell them apart: tfjs optimizers answer it by duck typing.)
      if (this.recipe.optimizer === 'sgd') (g.optimizer as tf.SGDOptimizer).setLearningRate(rate);
      else (g.optimizer as unknown as { learningRate: number }).learningRate = rate;
    }
  }

  /** One step on the loss; returns the loss before the step (inside the caller's tidy). */
  step(lossOf: () => tf.Scalar): tf.Scalar {
    if (this.plain) {
      // What tfjs' minimize does, but with gradients that free memory as the backward pass goes.
      const { value, grads } = variableGrads(lossOf, this.vars);
      this.groups[0].optimizer.applyGradients(grads);
      tf.dispose(grads);
      return value;
    }
    const { value, grads } = this.gradients(lossOf);
    this.apply(grads);
    return value;
  }

  /** The loss and its gradients, one per variable in the order given (for averaging between ranks before `apply`). */
  gradients(lossOf: () => tf.Scalar): { value: tf.Scalar; grads: tf.Tensor[] } {
    const { value, grads } = variableGrads(lossOf, this.vars);
    return { value, grads: this.vars.map((v) => grads[v.name]) };
  }

  /** Applies gradients (in the variables' order) as `step` does, with the weight decay of the recipe. */
  apply(gradList: tf.Tensor[]): void {
    const grads: Record<string, tf.Tensor> = {};
    this.vars.forEach((v, k) => {
      grads[v.name] = gradList[k];
    });
    const { optimizer: kind, weightDecay } = this.recipe;
    for (const g of this.groups) {
      const rate = (g.optimizer as unknown as { learningRate: number }).learningRate;
      const decay = g.decayInKernel ? 0 : weightDecay;
      const named = g.vars.map((v) => {
        // adam and sgd: L2 in the gradient (torch.optim's weight_decay); adamw: decay decoupled from the gradient.
        if (decay > 0 && kind === 'adamw') v.assign(tf.mul(v, 1 - rate * decay));
        const grad = decay > 0 && kind !== 'adamw' ? tf.add(grads[v.name], tf.mul(v, decay)) : grads[v.name];
        return { name: v.name, tensor: grad };
      });
      g.optimizer.applyGradients(named);
    }
  }

  dispose(): void {
    for (const g of this.groups) g.optimizer.dispose();
  }
}
