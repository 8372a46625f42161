import { makeRng } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { assertFiniteScores, computeAuc, rocCurve, type RocPoint } from './auc.js';

/** Why a metric has no value: the cases it is a fraction of do not occur in the data. */
export type NotAvailableReason =
  | 'no-positive-cases'
  | 'no-negative-cases'
  | 'no-positive-predictions'
  | 'no-negative-predictions'
  | 'no-positive-cases-or-predictions'
  | 'one-class-only';

/** The clinical metrics that can lack a value (null, never NaN, so that JSON says so too). */
export type ClinicalRatio = 'sensitivity' | 'specificity' | 'ppv' | 'npv' | 'f1' | 'auc';

/** Binary-task metrics a clinician reads, at threshold 0.5 on the positive class's probability. */
export interface ClinicalMetrics {
  threshold: number;
  /** [[TN, FP], [FN, TP]]: rows are the truth, columns the prediction. */
  confusion: [[number, number], [number, number]];
  sensitivity: number | null;
  specificity: number | null;
  ppv: number | null;
  npv: number | null;
  /** 2·TP / (2·TP + FP + FN), as scikit-learn computes it: 0, not n/a, when positives exist but none is found. */
  f1: number | null;
  accuracy: number;
  auc: number | null;
  /** Why each metric that is null has no value. */
  notAvailable: Partial<Record<ClinicalRatio, NotAvailableReason>>;
  /** Percentile bootstrap intervals; auc is null when the data hold one class only. */
  ci95: { accuracy: [number, number]; auc: [number, number] | null; resamples: number; seed: number };
  roc: RocPoint[];
}

/** Sensitivity, specificity, PPV, NPV, F1, confusion matrix, ROC and bootstrap 95% CIs (seeded). */
export function clinicalMetrics(
  yTrue: ArrayLike<number>,
  positiveScore: ArrayLike<number>,
  opts: { threshold?: number; resamples?: number; seed?: number } = {},
): ClinicalMetrics {
  assertFiniteScores(positiveScore);
  if (yTrue.length === 0)
    throw new MedcnnError(
      'There are no images to compute clinical metrics on: the split is empty.',
      '臨床指標を計算する画像がありません。このデータ分割（split）は空です。',
    );
  if (positiveScore.length !== yTrue.length)
    throw new MedcnnError(
      `There are ${positiveScore.length} scores for ${yTrue.length} labels; the predictions do not belong to this split.`,
      `ラベル ${yTrue.length} 個に対してスコアが ${positiveScore.length} 個あります。この予測はこのデータ分割（split）のものではありません。`,
    );
  const threshold = opts.threshold ?? 0.5;
  const resamples = Math.max(1, Math.floor(opts.resamples ?? 1000));
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
  const notAvailable: ClinicalMetrics['notAvailable'] = {};
  // A ratio over no cases has no value: null, with the reason kept beside it.
  const ratio = (key: ClinicalRatio, a: number, b: number, reason: NotAvailableReason): number | null => {
    if (b > 0) return a / b;
    notAvailable[key] = reason;
    return null;
  };
  const auc = computeAuc(yTrue, positiveScore);
  if (Number.isNaN(auc)) notAvailable.auc = 'one-class-only';
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
    const resampledAuc = computeAuc(t, s);
    if (!Number.isNaN(resampledAuc)) aucs.push(resampledAuc);
  }
  return {
    threshold,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    sensitivity: ratio('sensitivity', tp, tp + fn, 'no-positive-cases'),
    specificity: ratio('specificity', tn, tn + fp, 'no-negative-cases'),
    ppv: ratio('ppv', tp, tp + fp, 'no-positive-predictions'),
    npv: ratio('npv', tn, tn + fn, 'no-negative-predictions'),
    f1: ratio('f1', 2 * tp, 2 * tp + fp + fn, 'no-positive-cases-or-predictions'),
    accuracy: (tp + tn) / n,
    auc: Number.isNaN(auc) ? null : auc,
    notAvailable,
    ci95: { accuracy: percentiles(accs)!, auc: percentiles(aucs), resamples, seed },
    roc: rocCurve(yTrue, positiveScore),
  };
}

/** The 2.5% and 97.5% points of the values (linear interpolation, as numpy's default); null when there are none. */
export function percentiles(values: number[]): [number, number] | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = q * (v.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  };
  return [at(0.025), at(0.975)];
}
