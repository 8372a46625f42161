import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Normalization } from '../data/batch.js';
import { isMultiLabel, type Split, type Task } from '../data/dataset-info.js';
import type { SplitData } from '../data/load.js';
import type { Lang } from '../i18n/messages.js';
import { clinicalMetrics } from '../metrics/clinical.js';
import {
  medmnistAcc,
  medmnistAuc,
  predictedClasses,
  predictionsCsv,
  predictionsFileName,
} from '../metrics/evaluator.js';
import { confusionPng, rocPng } from '../report/plots.js';
import { RUN_FILES, type RunFile, RunFolder, type SplitMetrics } from '../runfolder/index.js';
import { predictSplit } from '../train/predict.js';
import { loadRunData } from './data.js';

/** What evaluating a model on a split needs to know besides the model and the images. */
export interface EvaluationContext {
  dataset: string;
  task: Task;
  labels: { en: string; ja: string }[];
  normalization: Normalization;
  /** Seeds the bootstrap confidence intervals. */
  seed: number;
  /** The run's folder name, which MedMNIST's predictions file name carries. */
  runName: string;
  lang: Lang;
}

/**
 * Evaluates a model on one split, in memory: MedMNIST ACC/AUC, the clinical metrics with bootstrap CIs for
 * binary tasks, and the files that record it (MedMNIST's predictions CSV, ROC and confusion-matrix plots).
 */
export function evaluateSplit(
  model: tfl.LayersModel,
  data: SplitData,
  split: Split,
  ctx: EvaluationContext,
): { metrics: SplitMetrics; files: RunFile[] } {
  const { predictions, loss } = predictSplit(model, data, ctx.task, ctx.normalization);
  const acc = medmnistAcc(ctx.task, predictions);
  const auc = medmnistAuc(ctx.task, predictions);
  const predictionsFile = predictionsFileName(ctx.dataset, split, auc, acc, ctx.runName);
  const files: RunFile[] = [{ name: predictionsFile, data: predictionsCsv(predictions) }];
  const metrics: SplitMetrics = { split, acc, auc, loss, count: data.count, predictionsFile };
  const labels = ctx.labels.map((l) => l[ctx.lang]);
  if (!isMultiLabel(ctx.task)) {
    const k = predictions.numClasses;
    const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const pred = predictedClasses(ctx.task, predictions);
    for (let i = 0; i < data.count; i++) matrix[data.labels[i]][pred[i]]++;
    metrics.confusion = matrix;
    files.push({ name: RUN_FILES.confusion(split), data: confusionPng(matrix, labels, ctx.lang) });
  }
  if (ctx.task === 'binary-class') {
    const pos = new Float32Array(data.count);
    for (let i = 0; i < data.count; i++) pos[i] = predictions.yScore[i * 2 + 1];
    const { roc, ...clinical } = clinicalMetrics(data.labels, pos, { seed: ctx.seed });
    metrics.clinical = clinical;
    files.push({ name: RUN_FILES.roc(split), data: rocPng(roc, auc, ctx.lang) });
  }
  return { metrics, files };
}

/** Re-evaluates a run's kept model on one split and saves metrics, predictions CSV, plots and report in it. */
export async function evaluateRun(
  dir: string,
  split: Split,
  opts: { root?: string; lang?: Lang } = {},
): Promise<SplitMetrics> {
  const run = RunFolder.open(dir);
  const lang = opts.lang ?? run.config.lang;
  const [data] = await loadRunData(run, [split], opts.root);
  const model = await run.loadModel('kept');
  try {
    const { metrics, files } = evaluateSplit(model, data, split, {
      ...run.config,
      runName: path.basename(path.resolve(dir)),
      lang,
    });
    run.saveEvaluation(metrics, files, lang);
    return metrics;
  } finally {
    model.dispose();
  }
}
