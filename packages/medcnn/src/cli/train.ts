import { deviceForGroup } from '../engine/backend.js';
import { groupAddressFromEnv, hasJoinedGroup } from '../engine/distributed.js';
import { MedcnnError } from '../errors.js';
import { launchWorkers, workerArgs } from '../run/launch.js';
import { trainSeeds } from '../run/seeds.js';
import { perRankBatch } from '../train/distributed.js';
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
  nproc: {
    kind: 'int',
    help: 'data-parallel worker processes on this machine (libtorch; --threads is split between them)',
    min: 1,
    max: 1024,
  },
  'dist-timeout': {
    kind: 'int',
    help: 'seconds ranks wait for each other before a data-parallel job fails',
    default: 300,
    min: 1,
  },
  'sync-bn': { kind: 'boolean', help: 'synchronise BatchNorm statistics between ranks (not available yet)' },
  'cudnn-benchmark': {
    kind: 'boolean',
    help: "on a GPU: let cuDNN time its convolution algorithms and keep the fastest (default off: cuDNN's deterministic choice)",
  },
} as const;

export const trainCommand: Command = {
  name: 'train',
  synopsis:
    '[--dataset FLAG] [--model NAME] [--epochs N] [--batch-size N] [--lr X] [--seed N | --seeds 0-4] [--augment none|auto|PRESET|LIST] [--threshold youden] [--calibrate temperature] [--out DIR] [--overwrite] [--nproc N]',
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
    if (f['sync-bn'])
      throw new MedcnnError(
        '--sync-bn is not available yet: in a data-parallel run each rank keeps its own BatchNorm statistics (as PyTorch DistributedDataParallel does without SyncBatchNorm), and rank 0 saves its own. Leave out --sync-bn.',
        '--sync-bn はまだ使えません: データ並列の学習では各ランクが自分の BatchNorm 統計量を持ちます（SyncBatchNorm なしの PyTorch DistributedDataParallel と同じ）。保存されるのはランク 0 のものです。--sync-bn を外してください。',
      );
    const timeoutMs = f['dist-timeout'] * 1000;
    const address = await groupAddressFromEnv();
    if ((address || (f.nproc ?? 1) > 1) && seeds)
      throw new MedcnnError(
        '--seeds trains several runs one after another; a data-parallel job (--nproc, WORLD_SIZE) trains one. Use --seed N.',
        '--seeds は複数の実行を順に学習しますが、データ並列のジョブ（--nproc、WORLD_SIZE）は 1 つの実行を学習します。--seed N を使ってください。',
      );
    if (address && f.nproc !== undefined)
      throw new MedcnnError(
        '--nproc starts the workers of a job on this machine; WORLD_SIZE is set, so this process is already one rank of a job. Leave out one of them.',
        '--nproc はこのマシンでジョブのワーカーを起動します。WORLD_SIZE が設定されているので、このプロセスはすでにジョブの 1 ランクです。どちらかを外してください。',
      );
    if (!address && f.nproc !== undefined && f.nproc > 1) {
      deviceForGroup(f.device); // the workers would refuse a GPU one by one: refuse it once, here
      perRankBatch(training.batchSize, f.nproc);
      return launchWorkers({
        nproc: f.nproc,
        args: ['train', ...workerArgs(argv)],
        threads: f.threads,
        timeoutMs,
        backend: f.backend,
        lang,
      });
    }
    const stop = new StopRequest(() => {
      // A rank other than 0 still waiting to meet the others has written nothing: it can go at once
      // (its wait would otherwise last the whole timeout).
      if (address && address.rank > 0 && !hasJoinedGroup()) process.exit(stop.exitCode);
      if ((address?.rank ?? 0) === 0) console.log(t(lang, 'stopping'));
    });
    // A worker whose launcher is gone (killed outright) stops as if asked to.
    const launcher = Number(process.env.MEDCNN_LAUNCHER_PID);
    const orphanWatch =
      address && launcher > 0
        ? setInterval(() => {
            if (process.ppid !== launcher) stop.requested = true;
          }, 1000).unref()
        : null;
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
        cudnnBenchmark: f['cudnn-benchmark'],
        lang,
        stop,
        ...(address ? { distributed: { address, timeoutMs } } : {}),
      };
      if (seeds) await trainSeeds({ ...run, seeds });
      else await trainRun(run);
    } finally {
      if (orphanWatch) clearInterval(orphanWatch);
      stop.dispose();
    }
    return stop.exitCode;
  },
};
