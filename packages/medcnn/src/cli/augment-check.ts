import { checkAugmentation } from '../run/augment-check.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { StopRequest } from '../util/stop.js';
import { noPositionals, parseArgs } from './args.js';
import type { Command } from './command.js';
import { augmentFlags, printAugmentList, readAugment } from './options/augment.js';
import { engineFlags, langFlag, readLang } from './options/common.js';
import { dataFlags, positiveClassFlag, readData } from './options/data.js';
import { outputFlags, readRecipe, readSeeds, readTraining, recipeFlags, trainingFlags } from './options/training.js';
import { readTrainable, transferFlags } from './options/transfer.js';

// Every seed of --seeds trains both arms, so --seed (one run) has no place here.
const { seed: _oneSeed, ...checkTrainingFlags } = trainingFlags;

const flags = {
  ...dataFlags,
  ...positiveClassFlag,
  model: { kind: 'string', help: 'architecture (see medcnn models)', default: 'simplecnn' },
  ...checkTrainingFlags,
  seeds: { kind: 'string', help: 'seeds, each training both arms, e.g. 0-2 or 0,1,7', default: '0-2' },
  ...recipeFlags,
  ...augmentFlags,
  augment: {
    kind: 'string',
    help: "the augmentation to check: auto (the dataset's modality), a preset, or a list such as rotate:10,translate:0.1",
    default: 'auto',
  },
  out: { kind: 'string', help: 'folder for both arms and the summary (default runs/augment-check-<dataset>)' },
  ...outputFlags,
  ...transferFlags,
  ...langFlag,
  ...engineFlags,
} as const;

export const augmentCheckCommand: Command = {
  name: 'augment-check',
  synopsis: '[--dataset FLAG] [--augment auto|PRESET|LIST] [--seeds 0-2] [--epochs N] [--model NAME] [--out DIR]',
  summary: 'train the same model with and without an augmentation over seeds: does it help on this data?',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('augment-check', argv, flags);
    noPositionals('augment-check', positionals);
    const lang = readLang(f);
    if (printAugmentList(f, lang)) return 0;
    const data = readData(f);
    const withSeed = { ...f, seed: 0 };
    const training = readTraining(withSeed);
    const seeds = readSeeds(withSeed) ?? [];
    const recipe = readRecipe(withSeed);
    const model = readTrainable(f);
    const augment = readAugment(f, data, lang);
    if (!augment) {
      const modality = data.modality;
      throw new MedcnnError(
        `--augment ${f.augment} applies nothing to ${modality} images, so there is nothing to check. Name the preset (--augment ${modality}) or a list such as rotate:5.`,
        `--augment ${f.augment} は ${modality} の画像に何も適用しないため、確かめるものがありません。プリセット（--augment ${modality}）か rotate:5 のような変換のリストを指定してください。`,
      );
    }
    const stop = new StopRequest(() => console.log(t(lang, 'stopping')));
    try {
      await checkAugmentation({
        ...data,
        ...training,
        seeds,
        recipe,
        positiveClass: f['positive-class'],
        model,
        augment,
        out: f.out,
        overwrite: f.overwrite,
        progress: !f['no-progress'],
        backend: f.backend,
        threads: f.threads,
        device: f.device,
        lang,
        stop,
      });
    } finally {
      stop.dispose();
    }
    return stop.exitCode;
  },
};
