import { planAugmentation } from '../augment/index.js';
import { loadDataset } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { checkSize, resolveDataRoot } from '../data/root.js';
import { loadOwnData } from '../data/own.js';
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
    if (!data.modality)
      throw new MedcnnError(
        '--augment needs to know what the images are: add --modality (chest-xray, ct, ultrasound, retinal-oct, fundus, dermoscopy, histopathology, blood-smear).',
        '--augment には画像の種類が必要です。--modality を加えてください（chest-xray, ct, ultrasound, retinal-oct, fundus, dermoscopy, histopathology, blood-smear）。',
      );
    const plan = planAugmentation(f.augment, data.modality, {
      allowUnsafe: f['allow-unsafe-augment'],
      imageSize: data.size,
    });
    if (!plan)
      throw new MedcnnError(
        `--augment ${f.augment} applies nothing to ${data.modality} images, so there is nothing to preview; name a preset (--augment ${data.modality}) or a list (see --augment list).`,
        `--augment ${f.augment} は ${data.modality} の画像に何も適用しないため、プレビューするものがありません。プリセット（--augment ${data.modality}）か変換のリストを指定してください（--augment list を参照）。`,
      );
    for (const r of plan.overridden) console.warn(t(lang, 'augmentWarning', { reason: r[lang] }));
    const own = data.data
      ? await loadOwnData({
          source: data.data.source,
          prep: { size: data.size, fit: data.data.fit, dicom: data.data.dicom },
          task: data.data.task,
          onBadFile: data.data.onBadFile,
          fractions: data.data.fractions,
          seed: f.seed,
          lang,
        })
      : null;
    const info = own
      ? {
          flag: own.name,
          pythonClass: own.name,
          modality: data.modality,
          task: own.task,
          labels: own.classes.map((c) => ({ en: c, ja: c })),
        }
      : getDatasetInfo(data.dataset);
    const out = f.out ?? `augment-preview-${info.flag}.png`;
    const file = ensureFileTarget(out, '--out');
    await initEngine({ backend: f.backend, threads: f.threads, device: f.device });
    const train = own
      ? own.train
      : loadDataset(getDatasetInfo(data.dataset), checkSize(data.size), resolveDataRoot(data.root), ['train'])[0];
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
