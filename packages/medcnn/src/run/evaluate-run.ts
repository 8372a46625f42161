import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../data/dataset-info.js';
import { getDatasetInfo } from '../data/registry.js';
import { loadDataset } from '../data/load.js';
import { resolveDataRoot } from '../data/root.js';
import type { Lang } from '../i18n/messages.js';
import { clinicalMetrics, type ClinicalMetrics } from '../metrics/clinical.js';
import {
  medmnistAcc,
  medmnistAuc,
  predictedClasses,
  predictionsCsv,
  predictionsFileName,
} from '../metrics/evaluator.js';
import { loadModel } from '../models/io.js';
import { confusionPng, rocPng } from '../report/plots.js';
import { writeReport } from '../report/html.js';
import { predictSplit } from '../train/predict.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readRunConfig } from './run-config.js';

/** The metrics of one split, as saved in metrics.json. */
export interface SplitMetrics {
  split: Split;
  acc: number;
  auc: number;
  loss: number;
  count: number;
  /** Binary tasks only. */
  clinical?: Omit<ClinicalMetrics, 'roc'>;
  /** Confusion matrix for single-label tasks: rows truth, columns prediction. */
  confusion?: number[][];
  predictionsFile: string;
}

/**
 * Evaluates a run's kept (best) model on one split: MedMNIST ACC/AUC, clinical metrics with bootstrap CIs
 * for binary tasks, the MedMNIST predictions CSV, ROC and confusion-matrix plots, and the report.
 */
export async function evaluateRun(
  dir: string,
  split: Split,
  opts: { root?: string; lang?: Lang; modelDir?: string } = {},
): Promise<SplitMetrics> {
  const config = readRunConfig(dir);
  const lang = opts.lang ?? config.lang;
  const info = getDatasetInfo(config.dataset);
  const [data] = loadDataset(info, config.size, resolveDataRoot(opts.root), [split]);
  const model = await loadModel(opts.modelDir ?? path.join(dir, 'model'));
  try {
    const { predictions, loss } = predictSplit(model, data, config.task, config.normalization);
    const acc = medmnistAcc(config.task, predictions);
    const auc = medmnistAuc(config.task, predictions);
    const suffix = split === 'test' ? '' : `-${split}`;
    // MedMNIST's Evaluator file, named as the Python package names it; older ones of this split are replaced.
    for (const f of fs.readdirSync(dir))
      if (f.startsWith(`${config.dataset}_${split}_[AUC]`) && f.endsWith('.csv')) fs.rmSync(path.join(dir, f));
    const predictionsFile = predictionsFileName(config.dataset, split, auc, acc, path.basename(path.resolve(dir)));
    writeFileAtomic(path.join(dir, predictionsFile), predictionsCsv(predictions));
    const result: SplitMetrics = { split, acc, auc, loss, count: data.count, predictionsFile };
    const labels = config.labels.map((l) => l[lang]);
    if (config.task !== 'multi-label, binary-class') {
      const k = predictions.numClasses;
      const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      const pred = predictedClasses(config.task, predictions);
      for (let i = 0; i < data.count; i++) matrix[data.labels[i]][pred[i]]++;
      result.confusion = matrix;
      writeFileAtomic(path.join(dir, `confusion-matrix${suffix}.png`), confusionPng(matrix, labels, lang));
    }
    if (config.task === 'binary-class') {
      const pos = new Float32Array(data.count);
      for (let i = 0; i < data.count; i++) pos[i] = predictions.yScore[i * 2 + 1];
      const { roc, ...clinical } = clinicalMetrics(data.labels, pos, { seed: config.seed });
      result.clinical = clinical;
      writeFileAtomic(path.join(dir, `roc${suffix}.png`), rocPng(roc, auc, lang));
    }
    const metricsFile = path.join(dir, 'metrics.json');
    const all = fs.existsSync(metricsFile)
      ? (JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as Record<string, unknown>)
      : {};
    all[split] = result;
    writeFileAtomic(metricsFile, `${JSON.stringify(all, null, 2)}\n`);
    writeReport(dir, lang);
    return result;
  } finally {
    model.dispose();
  }
}
