import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TUTORIAL_NORMALIZATION } from '../data/batch.js';
import type { ImageSize } from '../data/dataset-info.js';
import { ensureDataset } from '../data/download.js';
import { loadDataset } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { datasetPath, resolveDataRoot } from '../data/root.js';
import { initEngine } from '../engine/backend.js';
import { makeRng, seedEverything, shuffledIndices } from '../engine/seed.js';
import { t, type Lang } from '../i18n/messages.js';
import { clinicalLine, formatMetric } from '../metrics/format.js';
import { createModel, getModelEntry } from '../models/index.js';
import { MedcnnError } from '../errors.js';
import type { SplitData } from '../data/load.js';
import { setupTransfer, transferModelName, type TransferOptions, type TransferSetup } from '../transfer/setup.js';
import { saveModel } from '../models/io.js';
import { learningCurvePng, samplesPng } from '../report/plots.js';
import { writeReport } from '../report/html.js';
import { trainModel, type AugmentFn, type EpochRecord } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ProgressBar } from '../util/progress.js';
import { evaluateRun, type SplitMetrics } from './evaluate-run.js';
import { defaultRunDir, prepareRunDir, writeRunConfig, type RunConfig } from './run-config.js';

export interface TrainRunOptions {
  dataset: string;
  model: string;
  size: ImageSize;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  root?: string;
  out?: string;
  backend?: string;
  threads?: number;
  lang: Lang;
  download?: boolean;
  augmentName?: string;
  augment?: AugmentFn;
  /** Train a new head on a pretrained backbone instead of the registry model `model`. */
  transfer?: TransferOptions;
  /** Train on this part (0–1] of the training set, a seeded random subset (for learning-curve comparisons). */
  trainFraction?: number;
  /** Where progress lines go (default: stdout). */
  log?: (line: string) => void;
  /** Show progress bars (default true). */
  progress?: boolean;
  /** Handle Ctrl-C by stopping after the batch and saving (default true). */
  handleSigint?: boolean;
}

export interface TrainRunResult {
  dir: string;
  history: EpochRecord[];
  bestEpoch: number;
  stopped: boolean;
  test: SplitMetrics | null;
}

/**
 * The tutorial's whole run: load the data, build the model, train with best-on-validation-AUC selection,
 * save both models, evaluate on test and write the plots and the report into the run folder.
 */
export async function trainRun(opts: TrainRunOptions): Promise<TrainRunResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const lang = opts.lang;
  const info = getDatasetInfo(opts.dataset);
  const entry = opts.transfer ? null : getModelEntry(opts.model);
  const root = resolveDataRoot(opts.root);
  if (!fs.existsSync(datasetPath(info, opts.size, root)) && opts.download)
    await ensureDataset(info, opts.size, root, { progress: opts.progress });
  const [fullTrain, val, test] = loadDataset(info, opts.size, root, ['train', 'val', 'test']);
  const train =
    opts.trainFraction !== undefined && opts.trainFraction < 1
      ? trainingSubset(fullTrain, opts.trainFraction, opts.seed)
      : fullTrain;
  const dir =
    opts.out ??
    defaultRunDir(
      info.flag,
      entry ? entry.name : `transfer-${opts.transfer!.pretrained.replace(/^.*[\\/]/, '').replace(/[^\w.-]/g, '_')}`,
    );
  prepareRunDir(dir);

  const engine = await initEngine({ backend: opts.backend, threads: opts.threads });
  log(t(lang, 'backend', { backend: engine.backend, threads: engine.threads }));
  for (const s of engine.skipped) log(t(lang, 'backendSkipped', s));
  log(t(lang, 'dataset', { flag: info.flag, size: opts.size, train: train.count, val: val.count, test: test.count }));

  seedEverything(opts.seed);
  const inputShape: [number, number, number] = [train.height, train.width, train.channels];
  const numClasses = info.labels.length;
  let transfer: TransferSetup | null = null;
  if (opts.transfer)
    transfer = await setupTransfer(opts.transfer, inputShape, numClasses, [train, val], opts.learningRate, log, lang, {
      cache: !opts.augment,
    });
  const model = transfer ? transfer.model : createModel(entry!.name, { inputShape, numClasses });
  const modelName = transfer ? transferModelName(transfer.record.backbone) : entry!.name;
  const normalization = transfer ? transfer.normalization : TUTORIAL_NORMALIZATION;
  const params = model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  log(t(lang, 'model', { name: modelName, params: params.toLocaleString('en-US') }));

  const config: RunConfig = {
    medcnnVersion: '0.1.0',
    dataset: info.flag,
    size: opts.size,
    task: info.task,
    labels: info.labels,
    model: modelName,
    inputShape,
    numClasses,
    normalization,
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
    optimizer: 'adam(β1=0.9, β2=0.999, ε=1e-8)',
    seed: opts.seed,
    augment: opts.augmentName ?? 'none',
    selection: 'best validation AUC',
    backend: engine.backend,
    threads: engine.threads,
    versions: { ...engine.versions, medcnn: '0.1.0' },
    lang,
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    ...(transfer ? { transfer: transfer.record } : {}),
    ...(train !== fullTrain ? { trainFraction: opts.trainFraction } : {}),
  };
  writeRunConfig(dir, config);
  const labelOf = (i: number): string => {
    if (info.task === 'multi-label, binary-class') {
      const on = info.labels.filter((_, k) => train.labels[i * train.labelWidth + k] === 1).map((l) => l[lang]);
      return on.length ? on.join(', ') : lang === 'ja' ? '所見なし' : 'no finding';
    }
    return info.labels[train.labels[i * train.labelWidth]][lang];
  };
  writeFileAtomic(path.join(dir, 'samples.png'), samplesPng(train, labelOf, lang));

  let stopRequested = false;
  const onSigint = (): void => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    log(t(lang, 'stopping'));
  };
  if (opts.handleSigint !== false) process.on('SIGINT', onSigint);
  let bar: ProgressBar | null = null;
  const history: EpochRecord[] = [];
  const writeHistory = (): void => {
    const head = 'epoch,train_loss,val_loss,val_acc,val_auc,seconds,samples_per_second';
    const rows = history.map((h) =>
      [h.epoch, h.trainLoss, h.valLoss, h.valAcc, h.valAuc, h.seconds.toFixed(2), h.samplesPerSecond.toFixed(1)].join(
        ',',
      ),
    );
    writeFileAtomic(path.join(dir, 'history.csv'), `${[head, ...rows].join('\n')}\n`);
    if (history.length > 0) writeFileAtomic(path.join(dir, 'learning-curve.png'), learningCurvePng(history, lang));
  };
  let result: Awaited<ReturnType<typeof trainModel>>;
  try {
    result = await trainModel({
      model: transfer ? transfer.trainModel : model,
      task: info.task,
      train,
      val,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      seed: opts.seed,
      normalization,
      augment: opts.augment,
      inputOf: transfer?.inputOf,
      slowWeights: transfer?.slowWeights,
      onBatch: (epoch, done, loss, sps) => {
        if (opts.progress === false) return;
        if (!bar) bar = new ProgressBar(train.count, `${t(lang, 'epoch')} ${epoch}/${opts.epochs}`);
        bar.update(done, `loss ${loss.toFixed(4)} · ${sps.toFixed(0)}/s`);
      },
      onEpoch: async (rec, improved) => {
        (bar as ProgressBar | null)?.finish(`loss ${rec.trainLoss.toFixed(4)} · ${rec.samplesPerSecond.toFixed(0)}/s`);
        bar = null;
        history.push(rec);
        if (improved) await saveModel(model, path.join(dir, 'model'));
        writeHistory();
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
      shouldStop: () => stopRequested,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    transfer?.dispose();
  }
  if (bar) (bar as ProgressBar).finish();
  await saveModel(model, path.join(dir, 'model-last'));
  model.dispose();
  writeHistory();
  let testMetrics: SplitMetrics | null = null;
  if (result.bestEpoch > 0) {
    const test = await evaluateRun(dir, 'test', { root: opts.root, lang });
    const ci = test.clinical?.ci95;
    log(
      ci
        ? t(lang, 'testResult', {
            epoch: result.bestEpoch,
            acc: test.acc.toFixed(4),
            auc: test.auc.toFixed(4),
            accLo: ci.accuracy[0].toFixed(3),
            accHi: ci.accuracy[1].toFixed(3),
            aucLo: formatMetric(ci.auc?.[0], lang, undefined, 3),
            aucHi: formatMetric(ci.auc?.[1], lang, undefined, 3),
          })
        : t(lang, 'testResultPlain', { epoch: result.bestEpoch, acc: test.acc.toFixed(4), auc: test.auc.toFixed(4) }),
    );
    const c = test.clinical;
    if (c) log(clinicalLine(c, lang));
    testMetrics = test;
  } else {
    writeReport(dir, lang);
  }
  log(t(lang, 'runSaved', { dir }));
  tf.disposeVariables();
  return { dir, history: result.history, bestEpoch: result.bestEpoch, stopped: result.stopped, test: testMetrics };
}

/** A seeded random part of a training split (the same seed gives the same images to every model compared). */
function trainingSubset(data: SplitData, fraction: number, seed: number): SplitData {
  if (!(fraction > 0 && fraction <= 1))
    throw new MedcnnError(`A training fraction must be in (0, 1], got ${fraction}.`);
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
