import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Normalization } from '../data/batch.js';
import { isMultiLabel, type Split, type Task } from '../data/dataset-info.js';
import type { SplitData } from '../data/load.js';
import { type Lang, t } from '../i18n/messages.js';
import type { Calibration } from '../metrics/calibration.js';
import { clinicalMetrics } from '../metrics/clinical.js';
import { metricsAtThreshold } from '../metrics/operating-point.js';
import { reliabilityPng } from '../report/reliability-plot.js';
import {
  medmnistAcc,
  medmnistAuc,
  predictedClasses,
  predictionsCsv,
  predictionsFileName,
  type Predictions,
} from '../metrics/evaluator.js';
import { confusionPng, rocPng } from '../report/plots.js';
import { type CalibrationSummary, RUN_FILES, type RunFile, RunFolder, type SplitMetrics } from '../runfolder/index.js';
import { calibrated, calibrationOf, type Decision, positiveScores, positiveTruth } from './decision.js';
import { predictSplit } from '../train/predict.js';
import { loadRunData } from './data.js';

/** A binary task's test images: 1 where the condition is present, its (calibrated) probability, and the run's threshold. */
export interface PositiveScores {
  truth: Uint8Array;
  positive: Float32Array;
  threshold: number;
}

/** What evaluating a model on a split needs to know besides the model and the images. */
export interface EvaluationContext {
  dataset: string;
  task: Task;
  labels: { en: string; ja: string }[];
  normalization: Normalization;
  /** Seeds the bootstrap confidence intervals. */
  seed: number;
  /** Binary tasks: the label the clinical metrics treat as positive (the condition); 1 if absent. */
  positiveClass?: number;
  /** The temperature and operating point chosen on validation (the raw model at 0.5 when absent). */
  decision?: Decision;
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
  /** The model's predictions over the split when already computed (sharded over data-parallel ranks). */
  computed?: { predictions: Predictions; loss: number },
): { metrics: SplitMetrics; files: RunFile[]; scores?: PositiveScores } {
  const { predictions, loss } = computed ?? predictSplit(model, data, ctx.task, ctx.normalization);
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
  const decision = ctx.decision ?? {};
  const cal = calibrated(ctx.task, predictions, decision.temperature);
  const before = calibrationOf(ctx.task, predictions, ctx.positiveClass);
  if (before) {
    const after = decision.temperature === undefined ? null : calibrationOf(ctx.task, cal, ctx.positiveClass);
    const summary = ({ bins: _bins, ...c }: Calibration): CalibrationSummary => c;
    metrics.calibration = {
      before: summary(before),
      ...(after ? { after: summary(after), temperature: decision.temperature } : {}),
    };
    const positiveName = ctx.positiveClass === undefined ? undefined : ctx.labels[ctx.positiveClass][ctx.lang];
    files.push({
      name: RUN_FILES.reliability(split),
      data: reliabilityPng(
        {
          before,
          after: after ? { calibration: after, temperature: decision.temperature! } : undefined,
          split: t(ctx.lang, split === 'test' ? 'splitTest' : split === 'val' ? 'splitVal' : 'splitTrain'),
          positiveName,
        },
        ctx.lang,
      ),
    });
  }
  const labelThresholds = decision.operatingPoint?.threshold;
  if (isMultiLabel(ctx.task) && Array.isArray(labelThresholds)) {
    const column = (values: ArrayLike<number>, k: number): Float32Array =>
      Float32Array.from({ length: data.count }, (_, i) => values[i * cal.numClasses + k]);
    metrics.labelOperatingPoints = labelThresholds.map((threshold, k) => {
      const { roc: _roc, ...at } = metricsAtThreshold(column(cal.yTrue, k), column(cal.yScore, k), threshold, {
        seed: ctx.seed,
      });
      return { label: ctx.labels[k].en, rule: decision.operatingPoint!.rule, ...at };
    });
  }
  if (ctx.task === 'binary-class') {
    const p = ctx.positiveClass ?? 1;
    const truth = positiveTruth(cal, p);
    const pos = positiveScores(cal, p);
    const { roc, ...clinical } = clinicalMetrics(truth, pos, { seed: ctx.seed });
    metrics.clinical = clinical;
    metrics.positiveClass = { index: p, name: ctx.labels[p] };
    const op = decision.operatingPoint;
    let mark: { fpr: number; tpr: number; label: string } | undefined;
    if (op && typeof op.threshold === 'number') {
      const { roc: _roc, ...at } = metricsAtThreshold(truth, pos, op.threshold, { seed: ctx.seed });
      metrics.operatingPoint = { rule: op.rule, ...at };
      if (at.sensitivity !== null && at.specificity !== null)
        mark = { fpr: 1 - at.specificity, tpr: at.sensitivity, label: `${op.rule} (${op.threshold.toFixed(3)})` };
    }
    files.push({ name: RUN_FILES.roc(split), data: rocPng(roc, auc, ctx.lang, mark) });
    const threshold = typeof op?.threshold === 'number' ? op.threshold : 0.5;
    return { metrics, files, scores: { truth, positive: pos, threshold } };
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
      decision: { temperature: run.config.temperature, operatingPoint: run.config.operatingPoint },
      runName: path.basename(path.resolve(dir)),
      lang,
    });
    run.saveEvaluation(metrics, files, lang);
    return metrics;
  } finally {
    model.dispose();
  }
}
