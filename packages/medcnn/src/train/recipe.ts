/** How a model is trained beyond the learning rate and epochs: everything here is recorded in config.json. */
export interface TrainingRecipe {
  optimizer: 'adam' | 'adamw' | 'sgd';
  /** adam and sgd: L2 added to the gradient (as torch.optim does); adamw: decoupled decay (Loshchilov & Hutter). */
  weightDecay: number;
  /** sgd only (Nesterov off, as torch's default). */
  momentum: number;
  /** constant; cosine down to 0 over the epochs; step: × 0.1 at 50% and 75% of the epochs (MedMNIST's recipe). */
  schedule: 'constant' | 'cosine' | 'step';
  /** Epochs of linear warm-up from lr / (warm-up steps) to lr. */
  warmup: number;
  /** Stop when the selection metric has not improved for this many epochs (0: never). */
  patience: number;
  labelSmoothing: number;
  /** Which epoch is kept: best validation AUC (MedMNIST), lowest validation loss, or the last. */
  select: 'val-auc' | 'val-loss' | 'last';
  /** balanced: loss weights n / (k · n_class), as scikit-learn's class_weight='balanced'. */
  classWeight: 'none' | 'balanced';
  /** balanced: each epoch draws its batches with class-balanced probabilities, with replacement. */
  sampler: 'shuffle' | 'balanced';
}

/** The tutorial's recipe: Adam, constant rate, best validation AUC kept, nothing else. */
export const TUTORIAL_RECIPE: TrainingRecipe = {
  optimizer: 'adam',
  weightDecay: 0,
  momentum: 0.9,
  schedule: 'constant',
  warmup: 0,
  patience: 0,
  labelSmoothing: 0,
  select: 'val-auc',
  classWeight: 'none',
  sampler: 'shuffle',
};

/** The learning rate of a step (0-based) out of `stepsPerEpoch × epochs`, after warm-up and schedule. */
export function learningRateAt(
  recipe: Pick<TrainingRecipe, 'schedule' | 'warmup'>,
  base: number,
  step: number,
  stepsPerEpoch: number,
  epochs: number,
): number {
  const total = stepsPerEpoch * epochs;
  const warm = Math.min(total, Math.round(recipe.warmup * stepsPerEpoch));
  if (step < warm) return (base * (step + 1)) / warm;
  if (recipe.schedule === 'cosine') {
    const t = (step - warm) / Math.max(1, total - warm);
    return base * 0.5 * (1 + Math.cos(Math.PI * t));
  }
  if (recipe.schedule === 'step') {
    const epoch = Math.floor(step / stepsPerEpoch);
    return base * (epoch >= Math.floor(0.75 * epochs) ? 0.01 : epoch >= Math.floor(0.5 * epochs) ? 0.1 : 1);
  }
  return base;
}

/** How much each class counts in the loss: 1 each, or n / (k · n_class) (a class never seen counts 0). */
export function classWeights(
  labels: ArrayLike<number>,
  numClasses: number,
  mode: TrainingRecipe['classWeight'],
): number[] {
  if (mode === 'none') return new Array(numClasses).fill(1);
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((c) => (c > 0 ? labels.length / (numClasses * c) : 0));
}

/**
 * The order of one epoch's samples under the balanced sampler: `n` draws with replacement, each class equally
 * likely (torch's WeightedRandomSampler with weights 1 / n_class), from the seeded generator.
 */
export function balancedOrder(labels: ArrayLike<number>, numClasses: number, rng: () => number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const present = byClass.filter((c) => c.length > 0);
  const order = new Int32Array(labels.length);
  for (let i = 0; i < order.length; i++) {
    const members = present[Math.floor(rng() * present.length)];
    order[i] = members[Math.floor(rng() * members.length)];
  }
  return order;
}

/** Multi-label "balanced": each label's positives weighted n_negative / n_positive (torch's pos_weight). */
export function positiveWeights(labels: ArrayLike<number>, labelWidth: number): number[] {
  const n = labels.length / labelWidth;
  return Array.from({ length: labelWidth }, (_, k) => {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += labels[i * labelWidth + k];
    return pos > 0 ? (n - pos) / pos : 1;
  });
}
