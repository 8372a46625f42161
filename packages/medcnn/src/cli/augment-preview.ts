import path from 'node:path';
import { describeAugmentations, planAugmentation } from '../augment/index.js';
import { augmentPreviewPng } from '../augment/preview.js';
import { loadDataset } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { checkSize, resolveDataRoot } from '../data/root.js';
import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { parseLang } from '../i18n/messages.js';
import { writeFileAtomic } from '../util/atomic.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  dataset: { kind: 'string', help: 'MedMNIST dataset flag', default: 'pneumoniamnist' },
  augment: {
    kind: 'string',
    help: 'auto, a modality preset, or a list such as rotate:10,translate:0.1 (list: show them)',
    default: 'auto',
  },
  'allow-unsafe-augment': { kind: 'boolean', help: 'allow transforms that change the medical meaning (shown in red)' },
  n: { kind: 'int', help: 'original images shown', default: 16, min: 1 },
  versions: { kind: 'int', help: 'augmented versions beside each original', default: 3, min: 1 },
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  seed: { kind: 'int', help: 'random seed (which images, which augmentations)', default: 42, min: 0 },
  out: { kind: 'string', help: 'PNG file (default augment-preview-<dataset>.png)' },
  ...commonFlags,
} as const;

export const augmentPreviewCommand: Command = {
  name: 'augment-preview',
  synopsis: '[--dataset FLAG] [--augment auto|PRESET|LIST] [--n 16] [--out FILE] [--seed N]',
  summary: 'draw training images beside augmented versions, to check they still look real',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('augment-preview', argv, flags);
    if (positionals.length)
      throw new MedcnnError(`'medcnn augment-preview' takes no positional arguments, got: ${positionals.join(' ')}`);
    if ((f.augment as string).trim().toLowerCase() === 'list') {
      console.log(describeAugmentations());
      return;
    }
    const info = getDatasetInfo(f.dataset as string);
    const plan = planAugmentation(f.augment as string, info.modality, {
      allowUnsafe: Boolean(f['allow-unsafe-augment']),
    });
    if (!plan)
      throw new MedcnnError(
        `--augment none leaves nothing to preview; use auto, a preset or a list (see --augment list).`,
      );
    for (const r of plan.overridden) console.warn(`medcnn: warning: ${r}`);
    await initEngine({ backend: f.backend as string, threads: f.threads as number | undefined });
    const [train] = loadDataset(info, checkSize(f.size as number), resolveDataRoot(f.root as string | undefined), [
      'train',
    ]);
    const png = augmentPreviewPng(info, train, plan, {
      n: f.n as number,
      versions: f.versions as number,
      seed: f.seed as number,
      lang: parseLang(f.lang as string),
    });
    const out = (f.out as string | undefined) ?? `augment-preview-${info.flag}.png`;
    writeFileAtomic(path.resolve(out), png);
    console.log(
      `${out}: ${Math.min(f.n as number, train.count)} ${info.flag} images, each with ${f.versions} versions of --augment ${plan.name}`,
    );
  },
};
