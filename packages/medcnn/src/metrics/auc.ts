import { MedcnnError } from '../errors.js';

/**
 * Refuses scores that are not finite numbers. NaN or infinite outputs mean the model diverged in training
 * (a learning rate too high, most often); no metric of them means anything, and sorting them never ends well.
 */
export function assertFiniteScores(score: ArrayLike<number>): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new MedcnnError(
      `The model produced non-finite outputs (NaN or infinity) for ${bad} of ${score.length} scores, the first at ${first}: its training diverged, so it cannot be evaluated. Train it again with a lower --lr (10 times lower, say).`,
      `モデルの出力 ${score.length} 個のうち ${bad} 個が有限の値ではありません（NaN または無限大。最初はインデックス ${first}）。学習が発散しているため評価できません。--lr を下げて（たとえば 10 分の 1 に）学習し直してください。`,
    );
  }
}

/**
 * Area under the ROC curve, equal to scikit-learn's roc_auc_score: tied scores count one half, which is
 * what the trapezoids through tied thresholds give. NaN when only one class is present; a MedcnnError for
 * non-finite scores.
 */
export function computeAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  assertFiniteScores(score);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based; ties share their average rank
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]] > 0) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** One point of a ROC curve: the rates when predicting positive for score ≥ threshold. */
export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

/** The ROC curve through every distinct score, from (0,0) to (1,1); a MedcnnError for non-finite scores. */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): RocPoint[] {
  assertFiniteScores(score);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] > 0) pos++;
  const neg = n - pos;
  const pts: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; ) {
    const s = score[order[i]];
    while (i < n && score[order[i]] === s) {
      if (yTrue[order[i]] > 0) tp++;
      else fp++;
      i++;
    }
    pts.push({ threshold: s, fpr: neg ? fp / neg : 0, tpr: pos ? tp / pos : 0 });
  }
  return pts;
}
