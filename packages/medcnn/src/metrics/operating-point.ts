/**
 * The operating point: the threshold on the positive class's probability above which an image is called
 * positive, chosen on the validation split (never the test split) by a rule a clinician can state.
 *
 * Conventions (one place, so that every consumer agrees):
 * - An image is called positive when its score is strictly greater than the threshold (`score > t`), as
 *   clinicalMetrics and MedMNIST's binary Evaluator do at 0.5.
 * - The data-driven rules choose among cut points that are midpoints between neighbouring distinct
 *   validation scores (pROC's convention), so that no validation score lies on the threshold and the
 *   choice between `>` and `≥` cannot change what was measured. Below the lowest score the neighbour is 0,
 *   above the highest it is 1 (the ends of the probability scale; a score at or beyond an end has its
 *   neighbour one unit further out), so "everything positive" and "nothing positive" are cut points too,
 *   and every threshold is a finite number that JSON can hold.
 * - `youden` takes the cut with the largest sensitivity + specificity − 1; ties go to the lowest such
 *   threshold, the more sensitive point, because missing the condition is usually the costlier error.
 * - `sens:X` takes the highest cut whose validation sensitivity is at least X (the most specific point that
 *   still finds that share of the cases); `spec:X` the lowest cut whose specificity is at least X (the most
 *   sensitive point that keeps that share of the healthy). Both always exist: calling everything positive
 *   has sensitivity 1, calling nothing positive specificity 1.
 * - A rule that needs a class the validation split lacks (youden needs both, sens:X positives, spec:X
 *   negatives) is refused with a MedcnnError rather than guessed.
 */
import { makeRng } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { assertFiniteScores } from './auc.js';
import { type ClinicalMetrics, clinicalMetrics, percentiles } from './clinical.js';

/** How to choose the threshold: a fixed number, Youden's J, or a target sensitivity or specificity. */
export type ThresholdRule =
  | { kind: 'fixed'; value: number }
  | { kind: 'youden' }
  | { kind: 'sensitivity'; target: number }
  | { kind: 'specificity'; target: number };

/** The rule and the threshold it chose, with what it achieved on the split it was chosen on. */
export interface OperatingPoint {
  /** The rule as flag text (`0.5`, `youden`, `sens:0.95`, `spec:0.9`), as config.json should record it. */
  rule: string;
  /** Call positive when score > threshold. */
  threshold: number;
  /** On the choosing split; null where that split has no positive (negative) case. */
  sensitivity: number | null;
  specificity: number | null;
}

/** Comparisons of a rate with a target allow this much float error (19/20 ≥ 0.95 must hold). */
const RATE_TOLERANCE = 1e-12;

function badRule(text: string): MedcnnError {
  return new MedcnnError(
    `--threshold "${text}" is not a threshold rule. Use a number between 0 and 1 (0.5 is the default), youden (the largest sensitivity + specificity − 1), sens:X (the highest threshold whose sensitivity is at least X, e.g. sens:0.95) or spec:X (the lowest threshold whose specificity is at least X, e.g. spec:0.9), with X between 0 and 1.`,
    `--threshold "${text}" はしきい値の指定として使えません。0 から 1 の間の数値（既定は 0.5）、youden（感度 + 特異度 − 1 が最大）、sens:X（感度が X 以上となる最も高いしきい値、例 sens:0.95）、spec:X（特異度が X 以上となる最も低いしきい値、例 spec:0.9）のいずれかを指定してください（X は 0 から 1 の間）。`,
  );
}

/** A plain decimal (0.5, .95, 1, 1e-3): no hex, no sign, no blanks. */
function parseFraction(text: string): number | null {
  if (!/^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/** Parses the flag text `0.5|youden|sens:X|spec:X`; a MedcnnError (English and Japanese) says what is wrong. */
export function parseThresholdRule(text: string): ThresholdRule {
  const s = text.trim().toLowerCase();
  if (s === 'youden') return { kind: 'youden' };
  const m = /^(sens|spec):(.*)$/.exec(s);
  if (m) {
    const target = parseFraction(m[2].trim());
    if (target === null || !(target > 0 && target <= 1)) throw badRule(text);
    return m[1] === 'sens' ? { kind: 'sensitivity', target } : { kind: 'specificity', target };
  }
  const value = parseFraction(s);
  if (value === null || !(value > 0 && value < 1)) throw badRule(text);
  return { kind: 'fixed', value };
}

/** The rule as flag text, the inverse of parseThresholdRule. */
export function formatThresholdRule(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'fixed':
      return String(rule.value);
    case 'youden':
      return 'youden';
    case 'sensitivity':
      return `sens:${rule.target}`;
    case 'specificity':
      return `spec:${rule.target}`;
  }
}

function checkInputs(yTrue: ArrayLike<number>, score: ArrayLike<number>): void {
  assertFiniteScores(score);
  if (yTrue.length === 0)
    throw new MedcnnError(
      'There are no images to choose a threshold on: the split is empty.',
      'しきい値を選ぶための画像がありません。このデータ分割（split）は空です。',
    );
  if (score.length !== yTrue.length)
    throw new MedcnnError(
      `There are ${score.length} scores for ${yTrue.length} labels; the predictions do not belong to this split.`,
      `ラベル ${yTrue.length} 個に対してスコアが ${score.length} 個あります。この予測はこのデータ分割（split）のものではありません。`,
    );
}

/** One candidate cut: call positive above `threshold`; the counts it gives. */
interface Cut {
  threshold: number;
  tp: number;
  tn: number;
}

/** Every distinct cut of the scores, from "everything positive" (first) to "nothing positive" (last). */
function cuts(yTrue: ArrayLike<number>, score: ArrayLike<number>): { cuts: Cut[]; pos: number; neg: number } {
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] > 0) pos++;
  const neg = n - pos;
  const lowest = score[order[0]];
  const out: Cut[] = [{ threshold: (lowest + (lowest > 0 ? 0 : lowest - 1)) / 2, tp: pos, tn: 0 }];
  let tp = pos;
  let tn = 0;
  for (let i = 0; i < n; ) {
    const s = score[order[i]];
    while (i < n && score[order[i]] === s) {
      if (yTrue[order[i]] > 0) tp--;
      else tn++;
      i++;
    }
    const next = i < n ? score[order[i]] : s < 1 ? 1 : s + 1;
    out.push({ threshold: (s + next) / 2, tp, tn });
  }
  return { cuts: out, pos, neg };
}

function noClass(rule: string, which: 'positive' | 'negative'): MedcnnError {
  return which === 'positive'
    ? new MedcnnError(
        `--threshold ${rule} needs positive cases in the validation split, and it has none. Use --threshold 0.5, or a split that holds the condition.`,
        `--threshold ${rule} には検証データに陽性の例が必要ですが、1 例もありません。--threshold 0.5 を使うか、陽性例を含むデータ分割を使ってください。`,
      )
    : new MedcnnError(
        `--threshold ${rule} needs negative cases in the validation split, and it has none. Use --threshold 0.5, or a split that holds cases without the condition.`,
        `--threshold ${rule} には検証データに陰性の例が必要ですが、1 例もありません。--threshold 0.5 を使うか、陰性例を含むデータ分割を使ってください。`,
      );
}

/**
 * The threshold the rule chooses on these (validation) labels and positive-class scores, with the
 * sensitivity and specificity it gives there. See the file comment for ties and edge cases.
 */
export function chooseThreshold(
  yTrue: ArrayLike<number>,
  positiveScore: ArrayLike<number>,
  rule: ThresholdRule,
): OperatingPoint {
  checkInputs(yTrue, positiveScore);
  const text = formatThresholdRule(rule);
  const { cuts: all, pos, neg } = cuts(yTrue, positiveScore);
  const rates = (c: { tp: number; tn: number }) => ({
    sensitivity: pos > 0 ? c.tp / pos : null,
    specificity: neg > 0 ? c.tn / neg : null,
  });
  if (rule.kind === 'fixed') {
    let tp = 0;
    let tn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const called = positiveScore[i] > rule.value;
      if (yTrue[i] > 0 && called) tp++;
      else if (!(yTrue[i] > 0) && !called) tn++;
    }
    return { rule: text, threshold: rule.value, ...rates({ tp, tn }) };
  }
  let chosen: Cut;
  if (rule.kind === 'youden') {
    if (pos === 0) throw noClass(text, 'positive');
    if (neg === 0) throw noClass(text, 'negative');
    chosen = all[0];
    let best = -Infinity;
    for (const c of all) {
      const j = c.tp / pos + c.tn / neg - 1;
      if (j > best + RATE_TOLERANCE) {
        best = j;
        chosen = c; // strictly better only: a tie keeps the lower, more sensitive threshold
      }
    }
  } else if (rule.kind === 'sensitivity') {
    if (pos === 0) throw noClass(text, 'positive');
    chosen = all[0];
    for (const c of all) if (c.tp / pos >= rule.target - RATE_TOLERANCE) chosen = c; // cuts rise: the last one wins
  } else {
    if (neg === 0) throw noClass(text, 'negative');
    chosen = all[all.length - 1];
    for (let k = all.length - 1; k >= 0; k--) if (all[k].tn / neg >= rule.target - RATE_TOLERANCE) chosen = all[k];
  }
  return { rule: text, threshold: chosen.threshold, ...rates(chosen) };
}

/**
 * Multi-label tasks: one threshold per label, each chosen on its own column. Labels and scores are N×L,
 * row-major (as Predictions holds them); a label the rule cannot be applied to is refused, naming it.
 */
export function chooseLabelThresholds(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  numLabels: number,
  rule: ThresholdRule,
  labelNames: readonly string[] = [],
): OperatingPoint[] {
  if (scores.length !== yTrue.length || numLabels < 1 || scores.length % numLabels !== 0)
    throw new MedcnnError(
      `There are ${scores.length} scores for ${yTrue.length} labels in rows of ${numLabels}; the predictions do not belong to this split.`,
      `${numLabels} 列のラベル ${yTrue.length} 個に対してスコアが ${scores.length} 個あります。この予測はこのデータ分割（split）のものではありません。`,
    );
  const n = scores.length / numLabels;
  const out: OperatingPoint[] = [];
  for (let k = 0; k < numLabels; k++) {
    const t = new Float64Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = yTrue[i * numLabels + k];
      s[i] = scores[i * numLabels + k];
    }
    try {
      out.push(chooseThreshold(t, s, rule));
    } catch (e) {
      if (!(e instanceof MedcnnError)) throw e;
      const name = labelNames[k] ?? String(k);
      throw new MedcnnError(`Label ${name}: ${e.message}`, `ラベル ${name}: ${e.ja ?? e.message}`);
    }
  }
  return out;
}

/** Clinical metrics at a threshold, with percentile-bootstrap 95% intervals for every ratio. */
export interface ThresholdMetrics extends ClinicalMetrics {
  ci95: ClinicalMetrics['ci95'] & {
    /** Each over the resamples where the ratio has a value; null when it has none in any. */
    sensitivity: [number, number] | null;
    specificity: [number, number] | null;
    ppv: [number, number] | null;
    npv: [number, number] | null;
    f1: [number, number] | null;
  };
}

/**
 * clinicalMetrics at the given threshold (score > threshold is positive; null with a reason, never NaN),
 * plus bootstrap intervals for sensitivity, specificity, PPV, NPV and F1 drawn from the very resamples
 * clinicalMetrics draws for ACC and AUC (the same seeded stream, the same order).
 */
export function metricsAtThreshold(
  yTrue: ArrayLike<number>,
  positiveScore: ArrayLike<number>,
  threshold: number,
  opts: { resamples?: number; seed?: number } = {},
): ThresholdMetrics {
  const base = clinicalMetrics(yTrue, positiveScore, { ...opts, threshold });
  const { resamples, seed } = base.ci95;
  const n = yTrue.length;
  const rng = makeRng(seed);
  const sens: number[] = [];
  const spec: number[] = [];
  const ppv: number[] = [];
  const npv: number[] = [];
  const f1: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng() * n);
      const called = positiveScore[j] > threshold;
      if (yTrue[j] > 0) called ? tp++ : fn++;
      else called ? fp++ : tn++;
    }
    if (tp + fn > 0) sens.push(tp / (tp + fn));
    if (tn + fp > 0) spec.push(tn / (tn + fp));
    if (tp + fp > 0) ppv.push(tp / (tp + fp));
    if (tn + fn > 0) npv.push(tn / (tn + fn));
    if (2 * tp + fp + fn > 0) f1.push((2 * tp) / (2 * tp + fp + fn));
  }
  return {
    ...base,
    ci95: {
      ...base.ci95,
      sensitivity: percentiles(sens),
      specificity: percentiles(spec),
      ppv: percentiles(ppv),
      npv: percentiles(npv),
      f1: percentiles(f1),
    },
  };
}
