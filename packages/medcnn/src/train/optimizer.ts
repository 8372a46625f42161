import * as tf from '@tensorflow/tfjs-core';
import type { TrainingRecipe } from './recipe.js';

/** One group of variables and its optimizer (a fine-tuned backbone gets its own, at a lower rate). */
interface Group {
  vars: tf.Variable[];
  optimizer: tf.Optimizer;
  baseRate: number;
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
    this.groups = [{ vars: fastVars, optimizer: this.create(learningRate), baseRate: learningRate }];
    if (slowVars.length > 0)
      this.groups.push({ vars: slowVars, optimizer: this.create(slow!.learningRate), baseRate: slow!.learningRate });
    // The tutorial's case keeps tfjs' own minimize (and so its exact arithmetic).
    this.plain = this.groups.length === 1 && recipe.weightDecay === 0 && recipe.optimizer !== 'sgd';
  }

  private create(rate: number): tf.Optimizer {
    if (this.recipe.optimizer === 'sgd')
      return this.recipe.momentum > 0 ? tf.train.momentum(rate, this.recipe.momentum) : tf.train.sgd(rate);
    return tf.train.adam(rate, 0.9, 0.999, 1e-8);
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
    if (this.plain) return this.groups[0].optimizer.minimize(lossOf, true, this.vars)!;
    const { value, grads } = tf.variableGrads(lossOf, this.vars);
    const { optimizer: kind, weightDecay } = this.recipe;
    for (const g of this.groups) {
      const rate = (g.optimizer as unknown as { learningRate: number }).learningRate;
      const named = g.vars.map((v) => {
        // adam and sgd: L2 in the gradient (torch.optim's weight_decay); adamw: decay decoupled from the gradient.
        if (weightDecay > 0 && kind === 'adamw') v.assign(tf.mul(v, 1 - rate * weightDecay));
        const grad =
          weightDecay > 0 && kind !== 'adamw' ? tf.add(grads[v.name], tf.mul(v, weightDecay)) : grads[v.name];
        return { name: v.name, tensor: grad };
      });
      g.optimizer.applyGradients(named);
    }
    return value;
  }

  dispose(): void {
    for (const g of this.groups) g.optimizer.dispose();
  }
}
