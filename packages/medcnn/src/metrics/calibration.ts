/**
 * Calibration: does "90% pneumonia" come true nine times in ten? Expected calibration error, Brier score,
 * negative log-likelihood, the reliability diagram's bins, and temperature scaling.
 *
 * Conventions:
 * - Bins: 15 of equal width over [0, 1] (Guo et al. 2017, "On calibration of modern neural networks"); a
 *   value v falls in bin min(⌊15·v⌋, 14), so each bin is [lo, hi) and the last one holds 1 (scikit-learn's
 *   calibration_curve edges). ECE = Σ_b (n_b / N)·|observed_b − mean predicted_b|; MCE is the largest gap.
 * - Binary tasks: on the positive class's probability against the positive label, as scikit-learn's
 *   calibration_curve and brier_score_loss do. A clinician reads "probability of pneumonia", so that is the
 *   number whose calibration we report; the top-label form would fold p and 1 − p onto [0.5, 1] and could
 *   hide a model that is over-confident about one class and under-confident about the other.
 * - Multi-class tasks: top-label, as Guo et al. define it: the largest probability against whether the
 *   arg-max class is right.
 * - Multi-label tasks: every label's probability against that label's truth, all labels pooled into one set of
 *   bins (each label is its own binary question, and a probability of 0.8 should come true 8 times in 10
 *   whichever label it is for); Brier and NLL are the means over images × labels.
 * - Brier: binary, the mean of (p − y)² (scikit-learn, range 0–1); multi-class, the mean over images of
 *   Σ_k (p_k − y_k)² (Brier's own definition, range 0–2; for two classes it is twice the binary form).
 * - NLL: the mean of −ln p(true class), probabilities clipped to [1e−15, 1 − 1e−15] so that one float32
 *   probability of exactly 0 or 1 gives a large, finite loss.
 * - Temperature scaling (Guo et al.): probabilities softmax(z / T) (sigmoid(z / T) for one logit column),
 *   T > 0 fitted on validation logits by minimising NLL with golden-section search on ln T over
 *   [ln 0.01, ln 100]. In β = 1/T the NLL is convex (a log-sum-exp of linear functions minus a linear one),
 *   so it is unimodal in ln T and golden section finds the global minimum on the bracket. T > 1 softens
 *   an over-confident model, T < 1 sharpens an under-confident one; AUC and the ranking do not change.
 */
import { MedcnnError } from '../errors.js';
import { assertFiniteScores } from './auc.js';

/** The number of reliability bins, as Guo et al. use. */
export const CALIBRATION_BINS = 15;

const PROB_CLIP = 1e-15;

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability (or confidence) in the bin; null when the bin is empty. */
  meanPredicted: number | null;
  /** Share of the bin that is positive (binary) or correctly classified (multi-class); null when empty. */
  observed: number | null;
}

/** Calibration of one split's predictions. */
export interface Calibration {
  /**
   * What was binned: the positive class's probability (binary), the top-label confidence (multi-class), or
   * every label's probability, pooled (multi-label).
   */
  kind: 'positive-class' | 'top-label' | 'pooled-labels';
  count: number;
  ece: number;
  /** Maximum calibration error: the largest gap of a non-empty bin. */
  mce: number;
  brier: number;
  nll: number;
  bins: ReliabilityBin[];
}

function refuse(en: string, ja: string): never {
  throw new MedcnnError(en, ja);
}

function checkLengths(what: number, labels: number): void {
  if (labels === 0)
    refuse(
      'There are no images to measure calibration on: the split is empty.',
      'キャリブレーションを測る画像がありません。このデータ分割（split）は空です。',
    );
  if (what !== labels)
    refuse(
      `There are ${what} predictions for ${labels} labels; the predictions do not belong to this split.`,
      `ラベル ${labels} 個に対して予測が ${what} 個あります。この予測はこのデータ分割（split）のものではありません。`,
    );
}

function checkProbabilities(p: ArrayLike<number>): void {
  assertFiniteScores(p);
  for (let i = 0; i < p.length; i++)
    if (p[i] < 0 || p[i] > 1)
      refuse(
        `Score ${i} is ${p[i]}, not a probability between 0 and 1: calibration is measured on probabilities (apply the softmax or sigmoid first).`,
        `スコア ${i} が ${p[i]} で、0 から 1 の確率ではありません。キャリブレーションは確率で測ります（先に softmax または sigmoid を適用してください）。`,
      );
}

/** The reliability diagram's bins of `predicted` values in [0, 1] against 0/1 `outcome`s. */
export function reliabilityBins(
  outcome: ArrayLike<number>,
  predicted: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): ReliabilityBin[] {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < predicted.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(predicted[i] * bins)));
    count[b]++;
    sumP[b] += predicted[i];
    sumY[b] += outcome[i];
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b],
    meanPredicted: count[b] ? sumP[b] / count[b] : null,
    observed: count[b] ? sumY[b] / count[b] : null,
  }));
}

function gaps(bins: ReliabilityBin[], total: number): { ece: number; mce: number } {
  let ece = 0;
  let mce = 0;
  for (const b of bins) {
    if (b.count === 0) continue;
    const gap = Math.abs(b.observed! - b.meanPredicted!);
    ece += (b.count / total) * gap;
    mce = Math.max(mce, gap);
  }
  return { ece, mce };
}

const clip = (p: number): number => Math.min(1 - PROB_CLIP, Math.max(PROB_CLIP, p));

/** Binary task: ECE, MCE, Brier, NLL and reliability bins of the positive class's probability. */
export function binaryCalibration(
  yTrue: ArrayLike<number>,
  positiveProb: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): Calibration {
  checkLengths(positiveProb.length, yTrue.length);
  checkProbabilities(positiveProb);
  const n = yTrue.length;
  const y = Float64Array.from({ length: n }, (_, i) => (yTrue[i] > 0 ? 1 : 0));
  let brier = 0;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const p = positiveProb[i];
    brier += (p - y[i]) ** 2;
    nll -= Math.log(y[i] ? clip(p) : clip(1 - p));
  }
  const b = reliabilityBins(y, positiveProb, bins);
  return { kind: 'positive-class', count: n, ...gaps(b, n), brier: brier / n, nll: nll / n, bins: b };
}

/** Multi-label task (probabilities and 0/1 truths N×L, row-major): the labels' probabilities pooled. */
export function multilabelCalibration(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): Calibration {
  return { ...binaryCalibration(yTrue, probs, bins), kind: 'pooled-labels' };
}

/** Multi-class task (probabilities N×K, row-major): top-label ECE, MCE, Brier, NLL and reliability bins. */
export function multiclassCalibration(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  bins = CALIBRATION_BINS,
): Calibration {
  checkLengths(probs.length / numClasses, yTrue.length);
  checkProbabilities(probs);
  const n = yTrue.length;
  const confidence = new Float64Array(n);
  const correct = new Float64Array(n);
  let brier = 0;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const label = yTrue[i];
    if (!(Number.isInteger(label) && label >= 0 && label < numClasses))
      refuse(
        `Label ${i} is ${label}, not a class between 0 and ${numClasses - 1}.`,
        `ラベル ${i} が ${label} で、0 から ${numClasses - 1} のクラスではありません。`,
      );
    let best = 0;
    for (let k = 0; k < numClasses; k++) {
      const p = probs[i * numClasses + k];
      brier += (p - (k === label ? 1 : 0)) ** 2;
      if (p > probs[i * numClasses + best]) best = k;
    }
    confidence[i] = probs[i * numClasses + best];
    correct[i] = best === label ? 1 : 0;
    nll -= Math.log(clip(probs[i * numClasses + label]));
  }
  const b = reliabilityBins(correct, confidence, bins);
  return { kind: 'top-label', count: n, ...gaps(b, n), brier: brier / n, nll: nll / n, bins: b };
}

// ---- temperature scaling ----

/** A fitted temperature and what it did to the validation NLL. */
export interface TemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  /** True when the optimum lay at an end of [0.01, 100] (e.g. perfectly separated validation logits). */
  atBound: boolean;
}

const T_MIN = 0.01;
const T_MAX = 100;

function checkLogits(logits: ArrayLike<number>, yTrue: ArrayLike<number>, columns: number): void {
  if (!(Number.isInteger(columns) && columns >= 1))
    refuse(`${columns} logit columns: there must be 1 or more.`, `logit の列数 ${columns}: 1 以上が必要です。`);
  assertFiniteScores(logits);
  checkLengths(logits.length / columns, yTrue.length);
  const classes = columns === 1 ? 2 : columns;
  for (let i = 0; i < yTrue.length; i++)
    if (!(Number.isInteger(yTrue[i]) && yTrue[i] >= 0 && yTrue[i] < classes))
      refuse(
        `Label ${i} is ${yTrue[i]}, not a class between 0 and ${classes - 1}.`,
        `ラベル ${i} が ${yTrue[i]} で、0 から ${classes - 1} のクラスではありません。`,
      );
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Mean NLL of the labels under softmax(z / T) (sigmoid(z / T) for one column), computed stably. */
function nllAt(logits: ArrayLike<number>, yTrue: ArrayLike<number>, columns: number, temperature: number): number {
  const n = yTrue.length;
  let sum = 0;
  if (columns === 1) {
    for (let i = 0; i < n; i++) {
      const z = logits[i] / temperature;
      sum += softplus(z) - (yTrue[i] > 0 ? z : 0);
    }
    return sum / n;
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < columns; k++) max = Math.max(max, logits[i * columns + k]);
    let s = 0;
    for (let k = 0; k < columns; k++) s += Math.exp((logits[i * columns + k] - max) / temperature);
    sum += Math.log(s) - (logits[i * columns + yTrue[i]] - max) / temperature;
  }
  return sum / n;
}

/**
 * Fits T > 0 minimising the NLL of softmax(logits / T) on these (validation) labels; `columns` is K for
 * K-class softmax logits, or 1 for a binary task's single logit (sigmoid). Labels are class indices (0/1
 * for one column). Golden-section search on ln T over [ln 0.01, ln 100] to 1e−9; when the NLL does not
 * depend on T (every row's logits equal), T = 1.
 */
export function fitTemperature(logits: ArrayLike<number>, yTrue: ArrayLike<number>, columns: number): TemperatureFit {
  checkLogits(logits, yTrue, columns);
  const f = (u: number): number => nllAt(logits, yTrue, columns, Math.exp(u));
  const lo = Math.log(T_MIN);
  const hi = Math.log(T_MAX);
  const nllBefore = f(0);
  const ends = [f(lo), nllBefore, f(hi)];
  if (Math.max(...ends) - Math.min(...ends) <= 1e-12 * (1 + Math.abs(nllBefore)))
    return { temperature: 1, nllBefore, nllAfter: nllBefore, atBound: false };
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - invPhi * (b - a);
  let d = a + invPhi * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-9) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - invPhi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + invPhi * (b - a);
      fd = f(d);
    }
  }
  // The bracket may have closed on an end; compare with the ends themselves so that T is never worse.
  let u = (a + b) / 2;
  let best = f(u);
  for (const [end, value] of [
    [lo, ends[0]],
    [hi, ends[2]],
  ] as const)
    if (value < best) {
      u = end;
      best = value;
    }
  const atBound = u - lo < 1e-6 || hi - u < 1e-6;
  return { temperature: Math.exp(u), nllBefore, nllAfter: best, atBound };
}

/** Probabilities softmax(logits / T) per row of `columns` (sigmoid(logit / T) for one column). */
export function applyTemperature(logits: ArrayLike<number>, temperature: number, columns: number): Float64Array {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    refuse(
      `The temperature ${temperature} is not a positive number; fit it again on the validation split.`,
      `温度 ${temperature} が正の数ではありません。検証データで温度を推定し直してください。`,
    );
  assertFiniteScores(logits);
  const out = new Float64Array(logits.length);
  if (columns === 1) {
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i] / temperature;
      out[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
    return out;
  }
  for (let r = 0; r < logits.length / columns; r++) {
    let max = -Infinity;
    for (let k = 0; k < columns; k++) max = Math.max(max, logits[r * columns + k]);
    let s = 0;
    for (let k = 0; k < columns; k++)
      s += out[r * columns + k] = Math.exp((logits[r * columns + k] - max) / temperature);
    for (let k = 0; k < columns; k++) out[r * columns + k] /= s;
  }
  return out;
}

/**
 * Logits that reproduce these probabilities (for a model whose pre-softmax outputs were not kept): ln p per
 * column for softmax rows (softmax is blind to a constant shift), ln(p / (1 − p)) for one sigmoid column.
 * Probabilities of exactly 0 (1) are clipped at 1e−38 (1 − 2⁻²⁴, the float32 number just below 1).
 */
export function logitsFromProbabilities(probs: ArrayLike<number>, columns: number): Float64Array {
  checkProbabilities(probs);
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    const p = Math.max(1e-38, columns === 1 ? Math.min(probs[i], 1 - 2 ** -24) : probs[i]);
    out[i] = columns === 1 ? Math.log(p) - Math.log1p(-p) : Math.log(p);
  }
  return out;
}
