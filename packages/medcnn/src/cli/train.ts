import { describeAugmentations, makeAugmentFn, planAugmentation } from '../augment/index.js';
import { getDatasetInfo } from '../data/registry.js';
import { parseLang } from '../i18n/messages.js';
import { checkSize } from '../data/root.js';
import { trainRun } from '../run/train-run.js';
import { transferFlags, transferOptionsFromFlags } from '../transfer/options.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  dataset: { kind: 'string', help: 'MedMNIST dataset flag', default: 'pneumoniamnist' },
  model: { kind: 'string', help: 'architecture (see medcnn models)', default: 'simplecnn' },
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  epochs: { kind: 'int', help: 'training epochs', default: 5, min: 1 },
  'batch-size': { kind: 'int', help: 'samples per batch', default: 64, min: 1 },
  lr: { kind: 'float', help: 'Adam learning rate', default: 0.001 },
  seed: { kind: 'int', help: 'random seed (initialisation, shuffling, augmentation)', default: 42, min: 0 },
  out: { kind: 'string', help: 'run folder (default runs/<dataset>-<model>-<time>)' },
  augment: {
    kind: 'string',
    help: "none, auto (the dataset's modality preset), a preset, or a list such as rotate:10,translate:0.1; list: show them",
    default: 'none',
  },
  'allow-unsafe-augment': {
    kind: 'boolean',
    help: 'allow transforms that change the medical meaning (e.g. mirroring a chest X-ray)',
  },
  download: { kind: 'boolean', help: 'download the dataset if it is missing' },
  'no-progress': { kind: 'boolean', help: 'no progress bars' },
  ...transferFlags,
  ...commonFlags,
} as const;

export const trainCommand: Command = {
  name: 'train',
  synopsis:
    '[--dataset FLAG] [--model NAME] [--epochs N] [--batch-size N] [--lr X] [--seed N] [--augment none|auto|PRESET|LIST] [--out DIR]',
  summary: 'train a model, keep the best on validation AUC, evaluate on test, write the report',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('train', argv, flags);
    if (positionals.length)
      throw new (await import('../errors.js')).MedcnnError(
        `'medcnn train' takes no positional arguments, got: ${positionals.join(' ')}`,
      );
    if (!((f.lr as number) > 0))
      throw new (await import('../errors.js')).MedcnnError(`--lr must be greater than 0, got ${f.lr}.`);
    if ((f.augment as string).trim().toLowerCase() === 'list') {
      console.log(describeAugmentations());
      return;
    }
    const transfer = transferOptionsFromFlags(f);
    // Checked before any data is loaded, so a refused transform costs nothing.
    const plan = planAugmentation(f.augment as string, getDatasetInfo(f.dataset as string).modality, {
      allowUnsafe: Boolean(f['allow-unsafe-augment']),
    });
    for (const r of plan?.overridden ?? []) console.warn(`medcnn: warning: ${r}`);
    if (plan) console.log(`augment: ${plan.name}`);
    await trainRun({
      dataset: f.dataset as string,
      model: f.model as string,
      size: checkSize(f.size as number),
      epochs: f.epochs as number,
      batchSize: f['batch-size'] as number,
      learningRate: f.lr as number,
      seed: f.seed as number,
      root: f.root as string | undefined,
      out: f.out as string | undefined,
      backend: f.backend as string,
      threads: f.threads as number | undefined,
      lang: parseLang(f.lang as string),
      download: Boolean(f.download),
      progress: !f['no-progress'],
      augment: plan ? makeAugmentFn(plan) : undefined,
      augmentName: plan?.name,
      transfer,
    });
  },
};
