import { makeAugmentFn, planAugmentation } from '../augment/index.js';
import { getDatasetInfo } from '../data/registry.js';
import { MedcnnError } from '../errors.js';
import { checkSize } from '../data/root.js';
import { parseLang } from '../i18n/messages.js';
import { compareRuns, parseCompareSpecs, parseFractions } from '../transfer/compare.js';
import { transferFlags, transferOptionsFromFlags } from '../transfer/options.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  dataset: { kind: 'string', help: 'MedMNIST dataset flag', default: 'pneumoniamnist' },
  runs: {
    kind: 'string',
    help: 'comma-separated runs: scratch:MODEL or transfer:BACKBONE',
    default: 'scratch:simplecnn,transfer:mobilenet_v2_0.35',
  },
  'train-fraction': {
    kind: 'string',
    help: 'comma-separated parts of the training set, e.g. 0.1,0.25,1',
    default: '1',
  },
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  epochs: { kind: 'int', help: 'training epochs of every run', default: 5, min: 1 },
  'batch-size': { kind: 'int', help: 'samples per batch', default: 64, min: 1 },
  lr: { kind: 'float', help: "Adam learning rate (the head's, for transfer runs)", default: 0.001 },
  seed: { kind: 'int', help: 'random seed shared by every run', default: 42, min: 0 },
  out: { kind: 'string', help: 'folder for the runs and the comparison', default: 'runs/compare' },
  'input-size': transferFlags['input-size'],
  freeze: transferFlags.freeze,
  'finetune-blocks': transferFlags['finetune-blocks'],
  'freeze-until': transferFlags['freeze-until'],
  'backbone-lr': transferFlags['backbone-lr'],
  augment: {
    kind: 'string',
    help: "augmentation for every run: none, auto (the dataset's modality preset), a preset or a list",
    default: 'none',
  },
  'allow-unsafe-augment': { kind: 'boolean', help: 'allow transforms that change the medical meaning' },
  ...commonFlags,
} as const;

export const compareCommand: Command = {
  name: 'compare',
  synopsis:
    '[--dataset FLAG] [--runs scratch:simplecnn,transfer:mobilenet_v2_0.35] [--train-fraction 0.1,0.25,1] [--epochs N] [--augment none|auto] [--out DIR]',
  summary: 'train several models on the same splits and seed; overlaid learning curves and a table of test results',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('compare', argv, flags);
    if (positionals.length)
      throw new MedcnnError(`'medcnn compare' takes no positional arguments, got: ${positionals.join(' ')}`);
    if (!((f.lr as number) > 0)) throw new MedcnnError(`--lr must be greater than 0, got ${f.lr}.`);
    const specs = parseCompareSpecs(f.runs as string);
    const fractions = parseFractions(f['train-fraction'] as string);
    // The transfer flags are read as 'medcnn train --pretrained' reads them; the backbone comes from --runs.
    const transfer = transferOptionsFromFlags({ ...f, pretrained: 'from --runs' })!;
    const plan = planAugmentation(f.augment as string, getDatasetInfo(f.dataset as string).modality, {
      allowUnsafe: Boolean(f['allow-unsafe-augment']),
    });
    for (const r of plan?.overridden ?? []) console.warn(`medcnn: warning: ${r}`);
    if (plan) console.log(`augment: ${plan.name}`);
    await compareRuns({
      dataset: f.dataset as string,
      specs,
      fractions,
      epochs: f.epochs as number,
      batchSize: f['batch-size'] as number,
      learningRate: f.lr as number,
      seed: f.seed as number,
      out: f.out as string,
      size: checkSize(f.size as number),
      root: f.root as string | undefined,
      backend: f.backend as string,
      threads: f.threads as number | undefined,
      lang: parseLang(f.lang as string),
      inputSize: transfer.inputSize,
      freeze: transfer.freeze,
      backboneLearningRate: transfer.backboneLearningRate,
      augment: plan ? { fn: makeAugmentFn(plan), name: plan.name } : undefined,
    });
  },
};
