import { MedcnnError } from '../../errors.js';
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
