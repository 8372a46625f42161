import { trainSeeds } from '../run/seeds.js';
import { trainRun } from '../run/train.js';
import { StopRequest } from '../util/stop.js';
import { t } from '../i18n/messages.js';
import { noPositionals, parseArgs } from './args.js';
import type { Command } from './command.js';
import { printAugmentList, augmentFlags, readAugment } from './options/augment.js';
import { engineFlags, langFlag, readLang } from './options/common.js';
import { decisionFlags, readDecision } from './options/decision.js';
import { dataFlags, positiveClassFlag, readData } from './options/data.js';
import {
  outputFlags,
  readRecipe,
  readSeeds,
  readTraining,
  recipeFlags,
  seedsFlag,
  trainingFlags,
} from './options/training.js';
import { readTrainable, transferFlags } from './options/transfer.js';

const flags = {
  ...dataFlags,
  ...positiveClassFlag,
  model: { kind: 'string', help: 'architecture (see medcnn models)', default: 'simplecnn' },
  ...trainingFlags,
  ...seedsFlag,
  ...recipeFlags,
  ...decisionFlags,
  out: { kind: 'string', help: 'run folder (default runs/<dataset>-<model>-<time>)' },
  ...outputFlags,
  ...augmentFlags,
  download: { kind: 'boolean', help: 'download the dataset if it is missing' },
  ...transferFlags,
  ...langFlag,
  ...engineFlags,
} as const;

export const trainCommand: Command = {
  name: 'train',
  synopsis:
    '[--dataset FLAG] [--model NAME] [--epochs N] [--batch-size N] [--lr X] [--seed N | --seeds 0-4] [--augment none|auto|PRESET|LIST] [--threshold youden] [--calibrate temperature] [--out DIR] [--overwrite]',
  summary: 'train a model, keep the best on validation AUC, evaluate on test, write the report',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('train', argv, flags);
    noPositionals('train', positionals);
    const lang = readLang(f);
    if (printAugmentList(f, lang)) return 0;
    const data = readData(f);
    const training = readTraining(f);
    const seeds = readSeeds(f);
    const recipe = readRecipe(f);
    const decision = readDecision(f);
    const model = readTrainable(f);
    const augment = readAugment(f, data, lang);
    const stop = new StopRequest(() => console.log(t(lang, 'stopping')));
    try {
      const run = {
        ...data,
        ...training,
        recipe,
        decision,
        positiveClass: f['positive-class'],
        model,
        augment,
        out: f.out,
        overwrite: f.overwrite,
        download: f.download,
        progress: !f['no-progress'],
        backend: f.backend,
        threads: f.threads,
        device: f.device,
        lang,
        stop,
      };
      if (seeds) await trainSeeds({ ...run, seeds });
      else await trainRun(run);
    } finally {
      stop.dispose();
    }
    return stop.exitCode;
  },
};
