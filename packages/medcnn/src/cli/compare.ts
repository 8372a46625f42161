import { compareRuns, parseCompareSpecs, parseFractions } from '../run/compare.js';
import { t } from '../i18n/messages.js';
import { StopRequest } from '../util/stop.js';
import { noPositionals, parseArgs } from './args.js';
import type { Command } from './command.js';
import { augmentFlags, readAugment } from './options/augment.js';
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
import { freezeFlags, readFreeze } from './options/transfer.js';

const flags = {
  ...dataFlags,
  ...positiveClassFlag,
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
  ...trainingFlags,
  ...seedsFlag,
  ...recipeFlags,
  ...decisionFlags,
  out: { kind: 'string', help: 'folder for the runs and the comparison', default: 'runs/compare' },
  ...outputFlags,
  ...freezeFlags,
  ...augmentFlags,
  ...langFlag,
  ...engineFlags,
} as const;

export const compareCommand: Command = {
  name: 'compare',
  synopsis:
    '[--dataset FLAG] [--runs scratch:simplecnn,transfer:mobilenet_v2_0.35] [--train-fraction 0.1,0.25,1] [--epochs N] [--augment none|auto] [--out DIR]',
  summary: 'train several models on the same splits and seed; overlaid learning curves and a table of test results',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('compare', argv, flags);
    noPositionals('compare', positionals);
    const lang = readLang(f);
    const data = readData(f);
    const training = readTraining(f);
    const seeds = readSeeds(f);
    const recipe = readRecipe(f);
    const decision = readDecision(f);
    const specs = parseCompareSpecs(f.runs);
    const fractions = parseFractions(f['train-fraction']);
    const transfer = readFreeze(f);
    const augment = readAugment(f, data, lang);
    const stop = new StopRequest(() => console.log(t(lang, 'stopping')));
    try {
      await compareRuns({
        ...data,
        ...training,
        seeds,
        recipe,
        decision,
        positiveClass: f['positive-class'],
        specs,
        fractions,
        out: f.out,
        overwrite: f.overwrite,
        backend: f.backend,
        threads: f.threads,
        device: f.device,
        lang,
        transfer,
        augment,
        stop,
      });
    } finally {
      stop.dispose();
    }
    return stop.exitCode;
  },
};
