import { planAugmentation } from '../augment/index.js';
import { loadDataset } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { resolveDataRoot } from '../data/root.js';
import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { augmentPreviewPng } from '../report/augment-preview.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ensureFileTarget } from '../util/dirs.js';
import { noPositionals, parseArgs } from './args.js';
import type { Command } from './command.js';
import { augmentFlags, printAugmentList } from './options/augment.js';
import { engineFlags, langFlag, readLang } from './options/common.js';
import { dataFlags, readData } from './options/data.js';

const flags = {
  ...dataFlags,
  ...augmentFlags,
  augment: {
    kind: 'string',
    help: 'auto, a modality preset, or a list such as rotate:10,translate:0.1 (list: show them)',
    default: 'auto',
  },
  n: { kind: 'int', help: 'original images shown', default: 16, min: 1, max: 256 },
  versions: { kind: 'int', help: 'augmented versions beside each original', default: 3, min: 1, max: 16 },
  seed: { kind: 'int', help: 'random seed (which images, which augmentations)', default: 42, min: 0, max: 2 ** 32 - 1 },
  out: { kind: 'string', help: 'PNG file (default augment-preview-<dataset>.png)' },
  ...langFlag,
  ...engineFlags,
} as const;

export const augmentPreviewCommand: Command = {
  name: 'augment-preview',
  synopsis: '[--dataset FLAG] [--augment auto|PRESET|LIST] [--n 16] [--out FILE] [--seed N]',
  summary: 'draw training images beside augmented versions, to check they still look real',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('augment-preview', argv, flags);
    noPositionals('augment-preview', positionals);
    const lang = readLang(f);
    if (printAugmentList(f, lang)) return;
    const data = readData(f);
    const info = getDatasetInfo(data.dataset);
    const plan = planAugmentation(f.augment, info.modality, {
      allowUnsafe: f['allow-unsafe-augment'],
      imageSize: data.size,
    });
    if (!plan)
      throw new MedcnnError(
        `--augment ${f.augment} applies nothing to ${info.modality} images, so there is nothing to preview; name a preset (--augment ${info.modality}) or a list (see --augment list).`,
        `--augment ${f.augment} は ${info.modality} の画像に何も適用しないため、プレビューするものがありません。プリセット（--augment ${info.modality}）か変換のリストを指定してください（--augment list を参照）。`,
      );
    for (const r of plan.overridden) console.warn(t(lang, 'augmentWarning', { reason: r[lang] }));
    const out = f.out ?? `augment-preview-${info.flag}.png`;
    const file = ensureFileTarget(out, '--out');
    await initEngine({ backend: f.backend, threads: f.threads });
    const [train] = loadDataset(info, data.size, resolveDataRoot(data.root), ['train']);
    const png = augmentPreviewPng(info, train, plan, { n: f.n, versions: f.versions, seed: f.seed, lang });
    writeFileAtomic(file, png);
    console.log(
      t(lang, 'previewWritten', {
        out,
        n: Math.min(f.n, train.count),
        flag: info.flag,
        versions: f.versions,
        name: plan.name,
      }),
    );
  },
};
