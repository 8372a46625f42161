import { MedcnnError } from '../../errors.js';
import type { TrainingRecipe } from '../../train/recipe.js';
import type { Flags } from '../args.js';

/** How long and how fast to train. The limits refuse nonsense before any data is loaded. */
export const trainingFlags = {
  epochs: { kind: 'int', help: 'training epochs', default: 5, min: 1, max: 10000 },
  'batch-size': { kind: 'int', help: 'samples per batch', default: 64, min: 1, max: 65536 },
  lr: { kind: 'float', help: 'Adam learning rate', default: 0.001 },
  seed: {
    kind: 'int',
    help: 'random seed (initialisation, shuffling, augmentation)',
    default: 42,
    min: 0,
    max: 2 ** 32 - 1,
  },
} as const;

/** The training recipe beyond the tutorial's Adam: each flag recorded in config.json. */
export const recipeFlags = {
  optimizer: {
    kind: 'string',
    help: 'adam, adamw (decoupled weight decay) or sgd',
    choices: ['adam', 'adamw', 'sgd'],
    default: 'adam',
  },
  'weight-decay': {
    kind: 'float',
    help: 'weight decay (L2 for adam and sgd, decoupled for adamw)',
    default: 0,
    min: 0,
    max: 1,
  },
  momentum: { kind: 'float', help: 'sgd momentum', default: 0.9, min: 0, max: 0.999 },
  schedule: {
    kind: 'string',
    help: 'learning-rate schedule: constant, cosine (to 0), step (× 0.1 at 50% and 75% of the epochs)',
    choices: ['constant', 'cosine', 'step'],
    default: 'constant',
  },
  warmup: { kind: 'float', help: 'epochs of linear learning-rate warm-up', default: 0, min: 0, max: 1000 },
  patience: {
    kind: 'int',
    help: 'stop when the selection metric has not improved for N epochs (0: never)',
    default: 0,
    min: 0,
    max: 10000,
  },
  'label-smoothing': { kind: 'float', help: 'label smoothing of the cross-entropy', default: 0, min: 0, max: 0.5 },
  select: {
    kind: 'string',
    help: "which epoch is kept: val-auc (MedMNIST's rule), val-loss or last",
    choices: ['val-auc', 'val-loss', 'last'],
    default: 'val-auc',
  },
  'class-weight': {
    kind: 'string',
    help: 'none, or balanced: loss weights n / (classes × n_class) against class imbalance',
    choices: ['none', 'balanced'],
    default: 'none',
  },
  sampler: {
    kind: 'string',
    help: 'shuffle, or balanced: batches drawn class-balanced, with replacement',
    choices: ['shuffle', 'balanced'],
    default: 'shuffle',
  },
} as const;

/** The recipe, with the combinations that make no sense refused. */
export function readRecipe(f: Flags<typeof recipeFlags & typeof trainingFlags>): TrainingRecipe {
  if (f.given.has('momentum') && f.optimizer !== 'sgd')
    throw new MedcnnError(
      `--momentum applies to --optimizer sgd only (adam and adamw have their own moments).`,
      `--momentum は --optimizer sgd のときだけ使えます（adam と adamw は独自のモーメントを持ちます）。`,
    );
  if (f.patience > 0 && f.select === 'last')
    throw new MedcnnError(
      `--patience stops when the selection metric stops improving; with --select last there is none. Use --select val-auc or val-loss.`,
      `--patience は選択指標が改善しなくなったら止めますが、--select last には指標がありません。--select val-auc か val-loss を使ってください。`,
    );
  if (f.warmup >= f.epochs)
    throw new MedcnnError(
      `--warmup ${f.warmup} must be shorter than --epochs ${f.epochs}.`,
      `--warmup ${f.warmup} は --epochs ${f.epochs} より短くしてください。`,
    );
  return {
    optimizer: f.optimizer,
    weightDecay: f['weight-decay'],
    momentum: f.optimizer === 'sgd' ? f.momentum : 0,
    schedule: f.schedule,
    warmup: f.warmup,
    patience: f.patience,
    labelSmoothing: f['label-smoothing'],
    select: f.select,
    classWeight: f['class-weight'],
    sampler: f.sampler,
  };
}

export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export function readTraining(f: Flags<typeof trainingFlags>): TrainingOptions {
  if (!(f.lr > 0))
    throw new MedcnnError(
      `--lr must be greater than 0, got ${f.lr}.`,
      `--lr は 0 より大きくしてください（指定値: ${f.lr}）。`,
    );
  return { epochs: f.epochs, batchSize: f['batch-size'], learningRate: f.lr, seed: f.seed };
}

/** Where a new run goes, and whether an earlier run there may be replaced. */
export const outputFlags = {
  overwrite: { kind: 'boolean', help: 'replace an earlier medcnn run (never any other folder) at --out' },
  'no-progress': { kind: 'boolean', help: 'no progress bars' },
} as const;

/** Several seeds: `--seeds 0-4` or `--seeds 0,1,7` (at most 100), one run per seed. */
export const seedsFlag = {
  seeds: { kind: 'string', help: 'train one run per seed and summarise them, e.g. 0-4 or 0,1,7' },
} as const;

/** The seeds of `--seeds` (undefined when not given); --seed and --seeds together are refused. */
export function readSeeds(f: Flags<typeof seedsFlag & typeof trainingFlags>): number[] | undefined {
  if (f.seeds === undefined) return undefined;
  if (f.given.has('seed'))
    throw new MedcnnError(
      'Give --seed (one run) or --seeds (several), not both.',
      '--seed（1 回の学習）と --seeds（複数回）は同時に指定できません。',
    );
  const seeds: number[] = [];
  for (const part of f.seeds.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const [a, b] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [Number.NaN, Number.NaN];
    if (!m || b < a || b > 2 ** 32 - 1)
      throw new MedcnnError(
        `--seeds takes whole numbers and ranges such as 0-4 or 0,1,7; '${part}' is neither.`,
        `--seeds には 0-4 や 0,1,7 のような整数と範囲を指定します。'${part}' はそのどちらでもありません。`,
      );
    for (let s = a; s <= b && seeds.length <= 100; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  if (seeds.length < 2 || seeds.length > 100)
    throw new MedcnnError(
      `--seeds needs 2 to 100 different seeds, got ${seeds.length}.`,
      `--seeds には 2〜100 個の異なるシードが必要です（${seeds.length} 個）。`,
    );
  return seeds;
}
