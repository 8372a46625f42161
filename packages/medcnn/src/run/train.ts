import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AugmentFn } from '../augment/index.js';
import { describeLabel, isMultiLabel, resolvePositiveClass, type Task } from '../data/dataset-info.js';
import type { DicomOptions } from '../data/dicom.js';
import { loadOwnData, type OnBadFile, type OwnData } from '../data/own.js';
import type { Fit } from '../data/pixels.js';
import { DEFAULT_FRACTIONS, readSplitsFile, type SplitFractions } from '../data/splits.js';
import { checkSize } from '../data/root.js';
import { ensureDataset } from '../data/download.js';
import { loadDataset, type SplitData } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { datasetPath, resolveDataRoot } from '../data/root.js';
import { deviceForGroup, initEngine, threadReductions } from '../engine/backend.js';
import { type Collectives, type GroupAddress, joinGroup } from '../engine/distributed.js';
import { makeRng, seedEverything, shuffledIndices } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { type Lang, t } from '../i18n/messages.js';
import { createTrainable, type TrainableModel, type TrainableSpec } from '../models/index.js';
import { samplesPng } from '../report/plots.js';
import {
  defaultRunDir,
  RUN_FILES,
  RUN_FORMAT,
  type RunConfig,
  RunWriter,
  type SplitMetrics,
} from '../runfolder/index.js';
import { type CachedFeatures, cacheFrozenFeatures } from '../train/cached-features.js';
import { perRankBatch, predictSharded } from '../train/distributed.js';
import { TUTORIAL_RECIPE, type TrainingRecipe } from '../train/recipe.js';
import type { Predictions } from '../metrics/evaluator.js';
import { predictSplit } from '../train/predict.js';
import { type EpochRecord, trainModel } from '../train/trainer.js';
import { ProgressBar } from '../util/progress.js';
import type { StopRequest } from '../util/stop.js';
import { type Decision, type DecisionSettings, decideOnValidation } from './decision.js';
import { evaluateSplit, type PositiveScores } from './evaluate.js';
import { formatTestResult } from './summary.js';

export const MEDCNN_VERSION = '0.1.0';

/** Your own images instead of a MedMNIST data set (`--data`). */
export interface OwnDataRequest {
  source: string;
  fit: Fit;
  dicom: DicomOptions;
  task?: Task;
  onBadFile: OnBadFile;
  fractions?: SplitFractions;
  /** --splits FILE. */
  splitsFile?: string;
}

export interface TrainRunOptions {
  dataset: string;
  /** A size MedMNIST publishes, or any size for your own data. */
  size: number;
  /** Your own images (then `dataset` is ignored). */
  data?: OwnDataRequest;
  /** Data root (else MEDMNIST_ROOT, else ~/.medmnist). */
  root?: string;
  /** Download the data set when it is missing. */
  download?: boolean;
  /** Train on this part (0–1] of the training set, a seeded random subset (for learning-curve comparisons). */
  trainFraction?: number;
  model: TrainableSpec;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  augment?: { fn: AugmentFn; name: string };
  /** Optimizer, schedule, selection and imbalance handling (default: the tutorial's). */
  recipe?: TrainingRecipe;
  /** Binary tasks: the class that is the condition, by name or index (default: the registry's). */
  positiveClass?: string;
  /** The threshold rule (default youden for binary and multi-label tasks) and calibration, chosen on validation. */
  decision?: Partial<DecisionSettings>;
  /** The run folder (default runs/<dataset>-<model>-<time>); an existing run is replaced only with `overwrite`. */
  out?: string;
  overwrite?: boolean;
  backend?: string;
  threads?: number;
  /** auto, cpu, cuda, cuda:N (see engine/backend.ts resolveDevice). */
  device?: string;
  /** cuDNN's benchmark mode on a GPU (default off: deterministic algorithms; see engine/backend.ts). */
  cudnnBenchmark?: boolean;
  lang: Lang;
  /** Where progress lines go (default: stdout). */
  log?: (line: string) => void;
  /** Show progress bars (default true). */
  progress?: boolean;
  /** Set by Ctrl-C or SIGTERM: training stops after the batch and the run is saved as it stands. */
  stop?: StopRequest;
  /**
   * Data-parallel training: this process is one rank of a group (torchrun's variables). Only rank 0 logs,
   * writes the run folder and evaluates on test; the others train and validate with it.
   */
  distributed?: { address: GroupAddress; timeoutMs: number };
}

export interface TrainRunResult {
  dir: string;
  history: EpochRecord[];
  bestEpoch: number;
  stopped: boolean;
  /** Images in the training set actually used. */
  trainCount: number;
  test: SplitMetrics | null;
  /** Binary tasks: each test image's truth and calibrated positive probability, for paired tests between runs. */
  testScores: PositiveScores | null;
}

/** Everything `prepare` sets up: the data, the model, the run folder being written and its config. */
interface Prepared {
  train: SplitData;
  val: SplitData;
  test: SplitData;
  trainable: TrainableModel;
  cached: CachedFeatures | null;
  /** null on ranks other than 0, which write nothing. */
  writer: RunWriter | null;
  config: RunConfig;
  group: Collectives | null;
}

/** What `fit` leaves: the history, the kept epoch and its weights (copied out, for evaluation in memory). */
interface Fitted {
  history: EpochRecord[];
  bestEpoch: number;
  stopped: boolean;
  bestWeights: { values: Float32Array | Int32Array | Uint8Array; shape: number[]; dtype: tf.DataType }[] | null;
}

/**
 * The tutorial's whole run, as a pipeline: prepare (data, engine, model, run folder) → fit (best epoch on
 * validation AUC kept) → evaluate the kept model on test, in memory → write the run folder and move it into
 * place. A failure leaves nothing behind; a stop request saves what is done.
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  // Ranks other than 0 work silently: rank 0 speaks for the group.
  const quiet = (options.distributed?.address.rank ?? 0) > 0;
  const opts = quiet ? { ...options, progress: false } : options;
  const log = quiet ? () => {} : (opts.log ?? ((l: string) => console.log(l)));
  const prep = await prepare(opts, log);
  try {
    const fitted = await fit(prep, opts, log);
    const evaluated = fitted.bestEpoch > 0 ? await evaluateKept(prep, fitted, opts, log) : null;
    if (!prep.writer) {
      const { history, bestEpoch, stopped } = fitted;
      return { dir: '', history, bestEpoch, stopped, trainCount: prep.train.count, test: null, testScores: null };
    }
    const dir = prep.writer.commit(opts.lang);
    if (fitted.bestEpoch === 0) log(t(opts.lang, 'nothingKept', { dir: path.join(dir, RUN_FILES.config) }));
    else if (fitted.stopped)
      log(t(opts.lang, 'runInterrupted', { done: fitted.history.length, epochs: opts.epochs, dir }));
    else log(t(opts.lang, 'runSaved', { dir }));
    const { history, bestEpoch, stopped } = fitted;
    return {
      dir,
      history,
      bestEpoch,
      stopped,
      trainCount: prep.train.count,
      test: evaluated?.metrics ?? null,
      testScores: evaluated?.scores ?? null,
    };
  } catch (e) {
    prep.writer?.abort();
    throw e;
  } finally {
    await prep.group?.leave();
    prep.cached?.dispose();
    prep.trainable.dispose();
    tf.disposeVariables();
  }
}

/** Loads the data, opens the run folder, starts the engine and builds the model (nothing is trained yet). */
async function prepare(opts: TrainRunOptions, log: (line: string) => void): Promise<Prepared> {
  const { lang } = opts;
  // A registry data set's task is known before its file is read: a refusal costs nothing.
  if (!opts.data) checkRecipeFits(opts.recipe, getDatasetInfo(opts.dataset));
  const data = await loadData(opts, log);
  const { flag, task, labels } = data;
  checkRecipeFits(opts.recipe, { flag, task });
  const positiveClass = resolvePositiveClass(
    { flag, task, labels, positiveClass: data.positiveClass },
    opts.positiveClass,
  );
  const [fullTrain, val, test] = data.splits;
  const train =
    opts.trainFraction !== undefined && opts.trainFraction < 1
      ? trainingSubset(fullTrain, opts.trainFraction, opts.seed)
      : fullTrain;
  const modelLabel =
    'architecture' in opts.model
      ? opts.model.architecture.toLowerCase()
      : `transfer-${path.basename(opts.model.pretrained.replace(/[\\/]+$/, ''))}`;
  const dist = opts.distributed;
  if (dist) perRankBatch(opts.batchSize, dist.address.worldSize);
  const writer =
    (dist?.address.rank ?? 0) === 0
      ? RunWriter.create(opts.out ?? defaultRunDir(flag, modelLabel), { overwrite: Boolean(opts.overwrite) })
      : null;
  let group: Collectives | null = null;
  try {
    // A rank of a data-parallel job runs on the CPU (Gloo's collectives); a GPU asked for is refused here.
    const device = dist ? deviceForGroup(opts.device) : opts.device;
    const engine = await initEngine({
      backend: opts.backend,
      threads: opts.threads,
      device,
      cudnnBenchmark: opts.cudnnBenchmark,
    });
    log(t(lang, 'backend', { backend: engine.backend, threads: engine.threads, device: engine.device }));
    if (engine.deviceNote) log(`  (${engine.deviceNote})`);
    for (const s of engine.skipped) log(t(lang, 'backendSkipped', s));
    if (dist) {
      group = await joinGroup(dist.address, dist.timeoutMs);
      log(
        t(lang, 'distributedJoined', {
          world: group.worldSize,
          addr: `${dist.address.masterAddr}:${dist.address.masterPort}`,
          perRank: opts.batchSize / group.worldSize,
        }),
      );
    }
    log(t(lang, 'dataset', { flag, size: train.height, train: train.count, val: val.count, test: test.count }));
    if (data.own)
      log(t(lang, 'dataClasses', { classes: labels.map((l) => l[lang]).join(', '), task, channels: train.channels }));
    seedEverything(opts.seed);
    const { trainable, cached } = await buildModel(opts, train, val, labels.length, log);
    const recipe = opts.recipe ?? TUTORIAL_RECIPE;
    const config: RunConfig = {
      format: RUN_FORMAT,
      medcnnVersion: MEDCNN_VERSION,
      dataset: flag,
      size: train.height,
      ...(data.own ? { source: data.source } : { dataRoot: data.root }),
      task,
      labels,
      ...(positiveClass === undefined ? {} : { positiveClass }),
      model: trainable.name,
      inputShape: [train.height, train.width, train.channels],
      numClasses: labels.length,
      normalization: trainable.normalization,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      optimizer: describeOptimizer(recipe),
      recipe,
      seed: opts.seed,
      augment: opts.augment?.name ?? 'none',
      selection: SELECTION_NAMES[recipe.select],
      backend: engine.backend,
      threads: engine.threads,
      device: engine.device,
      cudnnBenchmark: engine.cudnnBenchmark,
      ...(group ? { worldSize: group.worldSize } : {}),
      versions: { ...engine.versions, medcnn: MEDCNN_VERSION },
      lang,
      startedAt: new Date().toISOString(),
      // A worker of `--nproc` records the command its launcher was given.
      command: process.env.MEDCNN_LAUNCH_COMMAND ?? process.argv.slice(1).join(' '),
      ...(trainable.transfer ? { transfer: trainable.transfer } : {}),
      ...(train !== fullTrain ? { trainFraction: opts.trainFraction } : {}),
    };
    writer?.writeConfig(config);
    if (data.own) writer?.writeSplits(data.own.rows);
    const labelOf = (i: number): string =>
      describeLabel(task, labels, train.labels.subarray(i * train.labelWidth, (i + 1) * train.labelWidth), lang);
    writer?.writeFile({ name: RUN_FILES.samples, data: samplesPng(train, labelOf, lang) });
    return { train, val, test, trainable, cached, writer, config, group };
  } catch (e) {
    writer?.abort();
    await group?.leave();
    throw e;
  }
}

const SELECTION_NAMES: Record<TrainingRecipe['select'], string> = {
  'val-auc': 'best validation AUC',
  'val-loss': 'lowest validation loss',
  last: 'last epoch',
};

/**
 * Builds the model through the one factory and, when nothing augments the images, caches what its frozen
 * part computes; says what it built.
 */
async function buildModel(
  opts: TrainRunOptions,
  train: SplitData,
  val: SplitData,
  numClasses: number,
  log: (line: string) => void,
): Promise<{ trainable: TrainableModel; cached: CachedFeatures | null }> {
  const { lang } = opts;
  const trainable = await createTrainable(opts.model, {
    inputShape: [train.height, train.width, train.channels],
    numClasses,
    learningRate: opts.learningRate,
  });
  // Augmented images differ every epoch, so with augmentation nothing is cached and the frozen part runs each batch.
  const part = opts.augment ? null : trainable.cutFrozen();
  const cached = part ? cacheFrozenFeatures(part, [train, val], trainable.normalization) : null;
  const tr = trainable.transfer;
  if (tr) {
    tr.featuresCached = part
      ? part.layer === 'head_pool'
        ? 'pooled backbone features'
        : `output of ${part.layer}`
      : null;
    const frozen =
      tr.freeze === 'all'
        ? t(lang, cached ? 'transferFrozenAll' : 'transferFrozenAllNoCache')
        : t(lang, 'transferFinetune', {
            trainable: tr.trainableBackboneLayers,
            total: tr.backboneLayers,
            lr: tr.backboneLearningRate!,
          });
    log(t(lang, 'transferBackbone', { name: tr.backbone, source: tr.source, size: tr.inputSize, frozen }));
  }
  if (cached) {
    const dims = cached.dims.join('×');
    const secs = cached.seconds.toFixed(1);
    log(t(lang, 'transferFeatures', { n: train.count + val.count, secs, dims, layer: cached.layer }));
  }
  const params = trainable.model.trainableWeights.reduce(
    (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
    0,
  );
  log(t(lang, 'model', { name: trainable.name, params: params.toLocaleString('en-US') }));
  return { trainable, cached };
}

/** The data of a run: a MedMNIST data set (downloaded if asked), or your own images. */
async function loadData(
  opts: TrainRunOptions,
  log: (line: string) => void,
): Promise<{
  flag: string;
  task: Task;
  labels: { en: string; ja: string }[];
  /** The registry's condition class (binary MedMNIST data sets). */
  positiveClass?: number;
  splits: SplitData[];
  root?: string;
  own?: OwnData;
  source?: RunConfig['source'];
}> {
  const req = opts.data;
  if (!req) {
    const info = getDatasetInfo(opts.dataset);
    const size = checkSize(opts.size);
    const root = resolveDataRoot(opts.root);
    if (!fs.existsSync(datasetPath(info, size, root)) && opts.download)
      await ensureDataset(info, size, root, { progress: opts.progress, lang: opts.lang });
    const splits = loadDataset(info, size, root, ['train', 'val', 'test']);
    return { flag: info.flag, task: info.task, labels: info.labels, positiveClass: info.positiveClass, splits, root };
  }
  const splits = req.splitsFile ? readSplitsFile(req.splitsFile) : undefined;
  const own = await loadOwnData({
    source: req.source,
    prep: { size: opts.size, fit: req.fit, dicom: req.dicom },
    task: req.task,
    onBadFile: req.onBadFile,
    fractions: req.fractions,
    seed: opts.seed,
    splits,
    splitsFrom: req.splitsFile ? `--splits ${req.splitsFile}` : undefined,
    progress: opts.progress,
    log,
    lang: opts.lang,
  });
  return {
    flag: own.name,
    task: own.task,
    labels: own.classes.map((c) => ({ en: c, ja: c })),
    splits: [own.train, own.val, own.test],
    own,
    source: {
      kind: own.kind,
      path: own.path,
      fit: req.fit,
      dicom: req.dicom,
      splitOrigin: own.splitOrigin,
      ...(own.splitOrigin !== 'file' ? { fractions: req.fractions ?? DEFAULT_FRACTIONS } : {}),
      onBadFile: req.onBadFile,
      skipped: own.skipped,
    },
  };
}

/** Refuses a recipe that cannot apply to the task (a class-balanced sampler on multi-label data). */
function checkRecipeFits(recipe: TrainingRecipe | undefined, data: { flag: string; task: Task }): void {
  if (recipe?.sampler === 'balanced' && isMultiLabel(data.task))
    throw new MedcnnError(
      `--sampler balanced draws by class, and ${data.flag} is multi-label (an image can have several). Use --class-weight balanced instead.`,
      `--sampler balanced はクラスごとに抽出しますが、${data.flag} はマルチラベル（1 枚に複数のラベル）です。代わりに --class-weight balanced を使ってください。`,
    );
}

/** Trains with progress bars, saving the kept model whenever validation AUC improves, and the last one at the end. */
async function fit(prep: Prepared, opts: TrainRunOptions, log: (line: string) => void): Promise<Fitted> {
  const { lang } = opts;
  const { model } = prep.trainable;
  let bar: ProgressBar | null = null;
  const history: EpochRecord[] = [];
  let bestWeights: Fitted['bestWeights'] = null;
  const reductionsBefore = threadReductions();
  const result = await trainModel({
    model: prep.cached ? prep.cached.trainModel : model,
    task: prep.config.task,
    train: prep.train,
    val: prep.val,
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
    seed: opts.seed,
    normalization: prep.trainable.normalization,
    augment: opts.augment?.fn,
    recipe: prep.config.recipe,
    inputOf: prep.cached?.inputOf,
    slowWeights: prep.trainable.slowWeights,
    onBatch: (epoch, done, loss, sps) => {
      if (opts.progress === false) return;
      bar ??= new ProgressBar(prep.train.count, `${t(lang, 'epoch')} ${epoch}/${opts.epochs}`);
      bar.update(done, `loss ${loss.toFixed(4)} · ${sps.toFixed(0)}/s`);
    },
    onEpoch: async (rec, improved) => {
      bar?.finish(`loss ${rec.trainLoss.toFixed(4)} · ${rec.samplesPerSecond.toFixed(0)}/s`);
      bar = null;
      if (prep.config.sharedCpuFromEpoch === undefined && threadReductions() > reductionsBefore) {
        prep.config.sharedCpuFromEpoch = rec.epoch;
        log(t(lang, 'sharedCpu', { threads: prep.config.threads }));
      }
      history.push(rec);
      if (improved) {
        await prep.writer?.saveModel(model, 'kept');
        bestWeights = copyWeights(model);
      }
      prep.writer?.writeHistory(history, lang);
      log(
        t(lang, 'epochSummary', {
          epoch: rec.epoch,
          epochs: opts.epochs,
          trainLoss: rec.trainLoss.toFixed(4),
          valLoss: rec.valLoss.toFixed(4),
          valAcc: rec.valAcc.toFixed(4),
          valAuc: rec.valAuc.toFixed(4),
          sps: rec.samplesPerSecond.toFixed(0),
          best: improved ? t(lang, 'bestMark') : '',
        }),
      );
    },
    shouldStop: () => opts.stop?.requested ?? false,
    onCapture: (status) => {
      if (status.kind !== 'captured' && status.kind !== 'refused') return;
      prep.config.stepCapture = status.kind === 'captured' ? 'captured' : `not captured: ${status.reason}`;
      const line =
        status.kind === 'captured'
          ? t(lang, 'stepCaptured', { ops: status.ops })
          : t(lang, 'stepNotCaptured', { reason: status.reason });
      // Printed between progress bars: end the current bar's line first.
      if (bar && opts.progress !== false) process.stdout.write('\n');
      log(line);
    },
    group: prep.group ?? undefined,
  });
  (bar as ProgressBar | null)?.finish();
  if (result.earlyStopped)
    log(
      t(lang, 'earlyStopped', {
        epoch: history.length,
        best: result.bestEpoch,
        patience: prep.config.recipe!.patience,
      }),
    );
  if (history.length > 0) await prep.writer?.saveModel(model, 'last');
  prep.writer?.writeHistory(history, lang);
  prep.config.epochsCompleted = history.length;
  if (result.stopped) prep.config.interrupted = true;
  prep.writer?.writeConfig(prep.config);
  return { history, bestEpoch: result.bestEpoch, stopped: result.stopped, bestWeights };
}

/**
 * Puts the kept epoch's weights back; on validation, fits the temperature and chooses the operating point
 * (recorded in config.json); then evaluates on test, in memory. The files go into the run folder. In a
 * data-parallel run every rank predicts its shard of validation and test, and rank 0 alone (null elsewhere)
 * decides, measures and writes.
 */
async function evaluateKept(
  prep: Prepared,
  fitted: Fitted,
  opts: TrainRunOptions,
  log: (line: string) => void,
): Promise<{ metrics: SplitMetrics; scores: PositiveScores | null } | null> {
  const { model } = prep.trainable;
  const { config, group } = prep;
  const weights = fitted.bestWeights!.map((w) => tf.tensor(w.values, w.shape, w.dtype));
  model.setWeights(weights);
  tf.dispose(weights);
  const norm = prep.trainable.normalization;
  const { predictions: val } = group
    ? await predictSharded(group, model, prep.val, config.task, norm)
    : predictSplit(model, prep.val, config.task, norm);
  const test = group ? await predictSharded(group, model, prep.test, config.task, norm) : undefined;
  const writer = prep.writer;
  if (!writer) return null;
  const decision = chooseDecision(config, val, opts, log);
  if (decision.temperature !== undefined) config.temperature = decision.temperature;
  if (decision.operatingPoint) config.operatingPoint = decision.operatingPoint;
  writer.writeConfig(config);
  const { metrics, files, scores } = evaluateSplit(
    model,
    prep.test,
    'test',
    { ...config, decision, runName: path.basename(writer.target), lang: opts.lang },
    test,
  );
  writer.writeEvaluation(metrics, files, config.dataset);
  for (const line of formatTestResult(metrics, fitted.bestEpoch, opts.lang)) log(line);
  return { metrics, scores: scores ?? null };
}

/**
 * The decision fitted on validation: the user's threshold rule (an error where it cannot apply), or by default
 * Youden's for binary and multi-label tasks, which falls back to the most probable class, saying why, when
 * the validation split lacks a class to choose it with.
 */
function chooseDecision(
  config: RunConfig,
  val: Predictions,
  opts: TrainRunOptions,
  log: (line: string) => void,
): Decision {
  const calibrate = opts.decision?.calibrate ?? 'none';
  const labels = config.labels.map((l) => l.en);
  if (opts.decision?.rule)
    return decideOnValidation(config.task, val, config.positiveClass, { calibrate, rule: opts.decision.rule }, labels);
  if (config.task !== 'binary-class' && !isMultiLabel(config.task))
    return decideOnValidation(config.task, val, config.positiveClass, { calibrate }, labels);
  try {
    return decideOnValidation(config.task, val, config.positiveClass, { calibrate, rule: { kind: 'youden' } }, labels);
  } catch (e) {
    if (!(e instanceof MedcnnError)) throw e;
    log(t(opts.lang, 'noDefaultThreshold', { reason: e.messageIn(opts.lang) }));
    return decideOnValidation(config.task, val, config.positiveClass, { calibrate }, labels);
  }
}

/** The model's weights copied out of the engine (the optimizer keeps changing the live ones). */
function copyWeights(model: tfl.LayersModel): NonNullable<Fitted['bestWeights']> {
  return model
    .getWeights()
    .map((w) => ({ values: w.dataSync().slice() as Float32Array, shape: w.shape, dtype: w.dtype }));
}

/** A seeded random part of a training split (the same seed gives the same images to every model compared). */
function trainingSubset(data: SplitData, fraction: number, seed: number): SplitData {
  if (!(fraction > 0 && fraction <= 1))
    throw new MedcnnError(
      `A training fraction must be in (0, 1], got ${fraction}.`,
      `学習データの割合は (0, 1] の範囲にしてください（指定値: ${fraction}）。`,
    );
  const n = Math.max(1, Math.round(data.count * fraction));
  const picked = [...shuffledIndices(data.count, makeRng(seed ^ 0x7ab1e)).subarray(0, n)].sort((a, b) => a - b);
  const px = data.height * data.width * data.channels;
  const images = new Uint8Array(n * px);
  const labels = new Uint8Array(n * data.labelWidth);
  picked.forEach((src, i) => {
    images.set(data.images.subarray(src * px, (src + 1) * px), i * px);
    labels.set(data.labels.subarray(src * data.labelWidth, (src + 1) * data.labelWidth), i * data.labelWidth);
  });
  return { ...data, count: n, images, labels };
}

/** The optimizer as config.json has always named it, e.g. adam(β1=0.9, β2=0.999, ε=1e-8). */
function describeOptimizer(r: TrainingRecipe): string {
  const decay = r.weightDecay > 0 ? `, weight decay ${r.weightDecay}` : '';
  if (r.optimizer === 'sgd') return `sgd(momentum=${r.momentum}${decay})`;
  return `${r.optimizer}(β1=0.9, β2=0.999, ε=1e-8${decay})`;
}
