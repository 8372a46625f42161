/**
 * Is a difference between two models on the same test images real? DeLong's test for two correlated AUCs
 * and McNemar's test for two sets of decisions, both paired image by image.
 */
import { MedcnnError } from '../errors.js';
import { assertFiniteScores } from './auc.js';
import { binomialHalfCdf, chiSquare1Survival, NORMAL_975, normalTwoSidedP } from './distributions.js';

/** DeLong's test of AUC(A) = AUC(B) on the same images. */
export interface DeLongResult {
  aucA: number;
  aucB: number;
  /** aucA − aucB. */
  difference: number;
  varianceA: number;
  varianceB: number;
  covariance: number;
  /** Standard error of the difference. */
  se: number;
  /** difference / se; null when se is 0 and the AUCs differ (no test is possible). */
  z: number | null;
  /** Two-sided, from the normal distribution; 1 when the AUCs are equal and se is 0, null with z. */
  pValue: number | null;
  /** 95% interval of the difference, difference ± 1.96·se. */
  ci95: [number, number];
  positives: number;
  negatives: number;
}

/** Mid-ranks (1-based; ties share their mean rank) of the values. */
function midranks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * DeLong's placements by mid-ranks (Sun & Xu 2014, "Fast implementation of DeLong's algorithm"): for each
 * positive, the share of negatives it outscores (ties ½); for each negative, the share of positives that
 * outscore it. The AUC is the mean of either.
 */
function placements(pos: Float64Array, neg: Float64Array): { auc: number; v10: Float64Array; v01: Float64Array } {
  const m = pos.length;
  const n = neg.length;
  const all = new Float64Array(m + n);
  all.set(pos);
  all.set(neg, m);
  const rAll = midranks(all);
  const rPos = midranks(pos);
  const rNeg = midranks(neg);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (rAll[i] - rPos[i]) / n;
    sum += v10[i];
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (rAll[m + j] - rNeg[j]) / m;
  return { auc: sum / m, v10, v01 };
}

/** Sample covariance (n − 1 in the denominator). */
function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (n - 1);
}

/**
 * DeLong, DeLong & Clarke-Pearson (1988) for two correlated AUCs, by placements: Var(AUC) = S₁₀/m + S₀₁/n
 * with S the covariance matrices of the placements over the m positives and the n negatives; z = (AUC_A −
 * AUC_B)/√(V_A + V_B − 2·Cov) and a two-sided normal p-value, as pROC's roc.test computes them. Scores are
 * the positive class's probabilities of the two models for the same images, in the same order.
 */
export function delongTest(
  yTrue: ArrayLike<number>,
  scoreA: ArrayLike<number>,
  scoreB: ArrayLike<number>,
): DeLongResult {
  assertFiniteScores(scoreA);
  assertFiniteScores(scoreB);
  if (scoreA.length !== yTrue.length || scoreB.length !== yTrue.length)
    throw new MedcnnError(
      `DeLong's test compares two models on the same images, but there are ${yTrue.length} labels, ${scoreA.length} scores of the first model and ${scoreB.length} of the second.`,
      `DeLong 検定は同じ画像での 2 つのモデルを比べますが、ラベルが ${yTrue.length} 個、1 つ目のモデルのスコアが ${scoreA.length} 個、2 つ目が ${scoreB.length} 個あります。`,
    );
  const posIdx: number[] = [];
  const negIdx: number[] = [];
  for (let i = 0; i < yTrue.length; i++) (yTrue[i] > 0 ? posIdx : negIdx).push(i);
  const m = posIdx.length;
  const n = negIdx.length;
  if (m < 2 || n < 2)
    throw new MedcnnError(
      `DeLong's test needs at least 2 positive and 2 negative images; these have ${m} and ${n}.`,
      `DeLong 検定には陽性と陰性の画像がそれぞれ 2 枚以上必要ですが、${m} 枚と ${n} 枚しかありません。`,
    );
  const split = (s: ArrayLike<number>) => ({
    pos: Float64Array.from(posIdx, (i) => s[i]),
    neg: Float64Array.from(negIdx, (i) => s[i]),
  });
  const a = split(scoreA);
  const b = split(scoreB);
  const pa = placements(a.pos, a.neg);
  const pb = placements(b.pos, b.neg);
  const varianceA = covariance(pa.v10, pa.v10) / m + covariance(pa.v01, pa.v01) / n;
  const varianceB = covariance(pb.v10, pb.v10) / m + covariance(pb.v01, pb.v01) / n;
  const cov = covariance(pa.v10, pb.v10) / m + covariance(pa.v01, pb.v01) / n;
  const difference = pa.auc - pb.auc;
  const se = Math.sqrt(Math.max(0, varianceA + varianceB - 2 * cov));
  let z: number | null;
  let pValue: number | null;
  if (se > 1e-15) {
    z = difference / se;
    pValue = normalTwoSidedP(z);
  } else if (Math.abs(difference) <= 1e-15) {
    z = 0;
    pValue = 1;
  } else {
    z = null;
    pValue = null;
  }
  return {
    aucA: pa.auc,
    aucB: pb.auc,
    difference,
    varianceA,
    varianceB,
    covariance: cov,
    se,
    z,
    pValue,
    ci95: [difference - NORMAL_975 * se, difference + NORMAL_975 * se],
    positives: m,
    negatives: n,
  };
}

/** McNemar's test of two models' accuracy on the same images. */
export interface McNemarResult {
  /** Images model A got right and model B wrong. */
  b: number;
  /** Images model A got wrong and model B right. */
  c: number;
  /** `exact`: two-sided binomial test of b against Binomial(b + c, ½); `chi-square`: with continuity correction. */
  method: 'exact' | 'chi-square';
  /** The chi-square statistic (null for the exact test). */
  statistic: number | null;
  pValue: number;
}

/** Below this many discordant images the exact test is used (the chi-square approximation is poor there). */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's test from the discordant counts. With b + c < 25 (or `exact: true`) the exact two-sided
 * binomial test, p = min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½); otherwise (or `exact: false`)
 * the chi-square test with Edwards' continuity correction, (|b − c| − 1)²/(b + c) on 1 degree of freedom,
 * the correction left out when b = c (as R's mcnemar.test does). No discordant image: p = 1.
 */
export function mcnemarFromCounts(b: number, c: number, opts: { exact?: boolean } = {}): McNemarResult {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0))
    throw new MedcnnError(
      `McNemar's test counts images: ${b} and ${c} are not counts.`,
      `McNemar 検定は画像の枚数を数えます。${b} と ${c} は枚数ではありません。`,
    );
  const exact = opts.exact ?? b + c < MCNEMAR_EXACT_BELOW;
  if (exact)
    return { b, c, method: 'exact', statistic: null, pValue: Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c)) };
  if (b + c === 0) return { b, c, method: 'chi-square', statistic: 0, pValue: 1 };
  const correction = b === c ? 0 : 1;
  const statistic = (Math.abs(b - c) - correction) ** 2 / (b + c);
  return { b, c, method: 'chi-square', statistic, pValue: chiSquare1Survival(statistic) };
}

/**
 * McNemar's test from the labels and two models' predicted classes for the same images (any number of
 * classes: a prediction is right when it equals the label).
 */
export function mcnemarTest(
  yTrue: ArrayLike<number>,
  predA: ArrayLike<number>,
  predB: ArrayLike<number>,
  opts: { exact?: boolean } = {},
): McNemarResult {
  if (predA.length !== yTrue.length || predB.length !== yTrue.length)
    throw new MedcnnError(
      `McNemar's test compares two models on the same images, but there are ${yTrue.length} labels, ${predA.length} predictions of the first model and ${predB.length} of the second.`,
      `McNemar 検定は同じ画像での 2 つのモデルを比べますが、ラベルが ${yTrue.length} 個、1 つ目のモデルの予測が ${predA.length} 個、2 つ目が ${predB.length} 個あります。`,
    );
  let b = 0;
  let c = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const rightA = predA[i] === yTrue[i];
    const rightB = predB[i] === yTrue[i];
    if (rightA && !rightB) b++;
    else if (!rightA && rightB) c++;
  }
  return mcnemarFromCounts(b, c, opts);
}
