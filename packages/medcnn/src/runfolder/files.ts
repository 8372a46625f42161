import fs from 'node:fs';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/dataset-info.js';
import type { Lang } from '../i18n/messages.js';
import type { Calibration } from '../metrics/calibration.js';
import type { ClinicalMetrics } from '../metrics/clinical.js';
import type { ThresholdMetrics } from '../metrics/operating-point.js';
import { saveModel } from '../models/index.js';
import { reportHtml } from '../report/html.js';
import { learningCurvePng } from '../report/plots.js';
import type { EpochRecord } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { RunConfig } from './config.js';

/** The names of a run folder's files: the only place they are spelled. */
export const RUN_FILES = {
  config: 'config.json',
  keptModel: 'model',
  lastModel: 'model-last',
  history: 'history.csv',
  learningCurve: 'learning-curve.png',
  metrics: 'metrics.json',
  samples: 'samples.png',
  report: 'report.html',
  /** Own data: which image went to which split (path,split,label,patient). */
  splits: 'splits.csv',
  /** Figures of a split: roc.png for test, roc-val.png for val. */
  roc: (split: Split): string => `roc${split === 'test' ? '' : `-${split}`}.png`,
  confusion: (split: Split): string => `confusion-matrix${split === 'test' ? '' : `-${split}`}.png`,
  reliability: (split: Split): string => `reliability${split === 'test' ? '' : `-${split}`}.png`,
} as const;

/** Which of a run's two models: the kept one (best validation AUC) or the last epoch's. */
export type ModelChoice = 'kept' | 'last';

export const modelFolder = (which: ModelChoice): string =>
  which === 'kept' ? RUN_FILES.keptModel : RUN_FILES.lastModel;

/** The metrics of one split, as saved in metrics.json. */
export interface SplitMetrics {
  split: Split;
  acc: number;
  auc: number;
  loss: number;
  count: number;
  /** Binary tasks only: the clinical metrics, about the positive class (the condition). */
  clinical?: Omit<ClinicalMetrics, 'roc'>;
  positiveClass?: { index: number; name: { en: string; ja: string } };
  /** Binary tasks with a threshold rule: the metrics at the threshold chosen on validation, with 95% CIs. */
  operatingPoint?: { rule: string; threshold: number } & Omit<ThresholdMetrics, 'roc'>;
  /** Multi-label tasks with a threshold rule: each label's metrics at its own threshold chosen on validation. */
  labelOperatingPoints?: ({ label: string; rule: string } & Omit<ThresholdMetrics, 'roc'>)[];
  /** Calibration of the probabilities as the model gives them, and after temperature scaling (when fitted). */
  calibration?: { before: CalibrationSummary; after?: CalibrationSummary; temperature?: number };
  /** Confusion matrix for single-label tasks: rows truth, columns prediction. */
  confusion?: number[][];
  predictionsFile: string;
}

/** A split's calibration, without the reliability bins (they are drawn in reliability.png). */
export type CalibrationSummary = Omit<Calibration, 'bins'>;

/** A file a step produced in memory, for the run folder to write. */
export interface RunFile {
  name: string;
  data: string | Uint8Array;
}

const HISTORY_HEAD = 'epoch,train_loss,val_loss,val_acc,val_auc,seconds,samples_per_second';

export function writeConfigFile(dir: string, config: RunConfig): void {
  writeFileAtomic(path.join(dir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

export async function writeModel(dir: string, model: tfl.LayersModel, which: ModelChoice): Promise<void> {
  await saveModel(model, path.join(dir, modelFolder(which)));
}

/** history.csv and the learning curve drawn from it. */
export function writeHistoryFiles(dir: string, history: EpochRecord[], lang: Lang): void {
  const rows = history.map((h) =>
    [h.epoch, h.trainLoss, h.valLoss, h.valAcc, h.valAuc, h.seconds.toFixed(2), h.samplesPerSecond.toFixed(1)].join(
      ',',
    ),
  );
  writeFileAtomic(path.join(dir, RUN_FILES.history), `${[HISTORY_HEAD, ...rows].join('\n')}\n`);
  if (history.length > 0) writeFileAtomic(path.join(dir, RUN_FILES.learningCurve), learningCurvePng(history, lang));
}

/** Every split's metrics saved so far (an absent or damaged metrics.json reads as none). */
export function readMetricsFile(dir: string): Record<string, SplitMetrics> {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.metrics), 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, SplitMetrics>) : {};
  } catch {
    return {};
  }
}

/**
 * Saves one split's evaluation: its metrics merged into metrics.json, its files (predictions CSV, plots),
 * an older predictions CSV of the same split removed (its name carries the old scores).
 */
export function writeEvaluationFiles(dir: string, metrics: SplitMetrics, files: RunFile[], dataset: string): void {
  for (const f of fs.readdirSync(dir))
    if (f.startsWith(`${dataset}_${metrics.split}_[AUC]`) && f.endsWith('.csv') && f !== metrics.predictionsFile)
      fs.rmSync(path.join(dir, f));
  for (const f of files) writeFileAtomic(path.join(dir, f.name), f.data);
  const all = readMetricsFile(dir);
  all[metrics.split] = metrics;
  writeFileAtomic(path.join(dir, RUN_FILES.metrics), `${JSON.stringify(all, null, 2)}\n`);
}

/** report.html, from what the folder holds. */
export function writeReportFile(dir: string, lang: Lang): void {
  const read = (f: string): string | null =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : null;
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(read(RUN_FILES.config) ?? '{}');
  } catch {
    // the report still shows what else there is
  }
  const history = (read(RUN_FILES.history) ?? '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(','));
  const images = [
    RUN_FILES.learningCurve,
    RUN_FILES.samples,
    RUN_FILES.roc('test'),
    RUN_FILES.confusion('test'),
  ].filter((f) => fs.existsSync(path.join(dir, f)));
  const metrics = readMetricsFile(dir) as unknown as Record<string, Record<string, unknown>>;
  writeFileAtomic(path.join(dir, RUN_FILES.report), reportHtml({ config, metrics, history, images }, lang));
}

/** A default run folder name: runs/<dataset>-<model>-<yyyymmdd-hhmmss>. */
export function defaultRunDir(dataset: string, model: string): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join('runs', `${dataset}-${model.replace(/[^\w.-]+/g, '_')}-${stamp}`);
}
