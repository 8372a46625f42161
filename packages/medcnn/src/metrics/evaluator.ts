import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { assertFiniteScores, computeAuc } from './auc.js';

/** Predictions of a model on one split: scores are probabilities, N rows of K columns. */
export interface Predictions {
  /** N×L true labels (L = 1 except for multi-label). */
  yTrue: Uint8Array;
  labelWidth: number;
  /** N×K probabilities: softmax for single-label tasks, sigmoid per label for multi-label. */
  yScore: Float32Array;
  numClasses: number;
}

function column(p: Predictions, k: number): Float32Array {
  const n = p.yScore.length / p.numClasses;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = p.yScore[i * p.numClasses + k];
  return out;
}

/** AUC as MedMNIST's Evaluator defines it for each task; a MedcnnError for non-finite scores. */
export function medmnistAuc(task: Task, p: Predictions): number {
  assertFiniteScores(p.yScore);
  const n = p.yScore.length / p.numClasses;
  if (task === 'binary-class') return computeAuc(p.yTrue, column(p, p.numClasses - 1));
  if (isMultiLabel(task)) {
    let sum = 0;
    for (let k = 0; k < p.numClasses; k++) {
      const t = new Uint8Array(n);
      for (let i = 0; i < n; i++) t[i] = p.yTrue[i * p.labelWidth + k];
      sum += computeAuc(t, column(p, k));
    }
    return sum / p.numClasses;
  }
  let sum = 0; // multi-class and ordinal regression: macro one-vs-rest
  for (let k = 0; k < p.numClasses; k++) {
    const t = new Uint8Array(n);
    for (let i = 0; i < n; i++) t[i] = p.yTrue[i] === k ? 1 : 0;
    sum += computeAuc(t, column(p, k));
  }
  return sum / p.numClasses;
}

/** Predicted class per sample (single-label tasks): positive score > 0.5 for binary, argmax otherwise. */
export function predictedClasses(task: Task, p: Predictions): Int32Array {
  assertFiniteScores(p.yScore);
  const n = p.yScore.length / p.numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (task === 'binary-class') {
      out[i] = p.yScore[i * p.numClasses + p.numClasses - 1] > 0.5 ? 1 : 0;
    } else {
      let best = 0;
      for (let k = 1; k < p.numClasses; k++)
        if (p.yScore[i * p.numClasses + k] > p.yScore[i * p.numClasses + best]) best = k;
      out[i] = best;
    }
  }
  return out;
}

/**
 * ACC as MedMNIST's Evaluator defines it (threshold 0.5 for binary and multi-label, argmax otherwise); a
 * MedcnnError for non-finite scores.
 */
export function medmnistAcc(task: Task, p: Predictions): number {
  assertFiniteScores(p.yScore);
  const n = p.yScore.length / p.numClasses;
  if (n === 0) return Number.NaN;
  if (isMultiLabel(task)) {
    let sum = 0;
    for (let k = 0; k < p.numClasses; k++) {
      let right = 0;
      for (let i = 0; i < n; i++) {
        const pred = p.yScore[i * p.numClasses + k] < 0.5 ? 0 : 1;
        if (pred === p.yTrue[i * p.labelWidth + k]) right++;
      }
      sum += right / n;
    }
    return sum / p.numClasses;
  }
  const pred = predictedClasses(task, p);
  let right = 0;
  for (let i = 0; i < n; i++) if (pred[i] === p.yTrue[i]) right++;
  return right / n;
}

/** MedMNIST's prediction file: one line per sample, "index,score_0,score_1,…", no header. */
export function predictionsCsv(p: Predictions): string {
  assertFiniteScores(p.yScore);
  const n = p.yScore.length / p.numClasses;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = [String(i)];
    for (let k = 0; k < p.numClasses; k++) row.push(String(p.yScore[i * p.numClasses + k]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The name MedMNIST's Evaluator gives a prediction file. */
export function predictionsFileName(flag: string, split: string, auc: number, acc: number, run: string): string {
  return `${flag}_${split}_[AUC]${auc.toFixed(3)}_[ACC]${acc.toFixed(3)}@${run}.csv`;
}
