import { makeRng } from '../engine/seed.js';
import { computeAuc, rocCurve, type RocPoint } from './auc.js';

/** Binary-task metrics a clinician reads, at threshold 0.5 on the positive class's probability. */
export interface ClinicalMetrics {
  threshold: number;
  /** [[TN, FP], [FN, TP]]: rows are the truth, columns the prediction. */
  confusion: [[number, number], [number, number]];
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
  f1: number;
  accuracy: number;
  auc: number;
  ci95: { accuracy: [number, number]; auc: [number, number]; resamples: number; seed: number };
  roc: RocPoint[];
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

/** Sensitivity, specificity, PPV, NPV, F1, confusion matrix, ROC and bootstrap 95% CIs (seeded). */
export function clinicalMetrics(
  yTrue: ArrayLike<number>,
  positiveScore: ArrayLike<number>,
  opts: { threshold?: number; resamples?: number; seed?: number } = {},
): ClinicalMetrics {
  const threshold = opts.threshold ?? 0.5;
  const resamples = opts.resamples ?? 1000;
  const seed = opts.seed ?? 0;
  const n = yTrue.length;
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  for (let i = 0; i < n; i++) {
    const pred = positiveScore[i] > threshold;
    if (yTrue[i] > 0) pred ? tp++ : fn++;
    else pred ? fp++ : tn++;
  }
  const sensitivity = ratio(tp, tp + fn);
  const ppv = ratio(tp, tp + fp);
  // Percentile bootstrap: resample patients with replacement, recompute, take the 2.5% and 97.5% points.
  const rng = makeRng(seed);
  const accs: number[] = [];
  const aucs: number[] = [];
  const t = new Float64Array(n);
  const s = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    let right = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng() * n);
      t[i] = yTrue[j];
      s[i] = positiveScore[j];
      if ((s[i] > threshold ? 1 : 0) === (t[i] > 0 ? 1 : 0)) right++;
    }
    accs.push(right / n);
    const auc = computeAuc(t, s);
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  return {
    threshold,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    sensitivity,
    specificity: ratio(tn, tn + fp),
    ppv,
    npv: ratio(tn, tn + fn),
    f1: ratio(2 * ppv * sensitivity, ppv + sensitivity),
    accuracy: ratio(tp + tn, n),
    auc: computeAuc(yTrue, positiveScore),
    ci95: { accuracy: percentiles(accs), auc: percentiles(aucs), resamples, seed },
    roc: rocCurve(yTrue, positiveScore),
  };
}

function percentiles(values: number[]): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = q * (v.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  };
  return [at(0.025), at(0.975)];
}
