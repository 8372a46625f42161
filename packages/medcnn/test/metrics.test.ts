import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeAuc, rocCurve } from '../src/metrics/auc.js';
import { clinicalMetrics } from '../src/metrics/clinical.js';
import { medmnistAcc, medmnistAuc, predictionsCsv, predictionsFileName } from '../src/metrics/evaluator.js';
import { makeRng } from '../src/engine/seed.js';

/** AUC by definition: the share of (positive, negative) pairs ranked right, ties counting one half. */
function pairAuc(y: number[], s: number[]): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < y.length; j++) {
      if (y[i] === 1 && y[j] === 0) {
        den++;
        num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    }
  return num / den;
}

test('AUC matches scikit-learn on its documented example and with ties', () => {
  assert.equal(computeAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75); // roc_auc_score docs
  assert.equal(computeAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  assert.equal(computeAuc([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]), 0.875);
  assert.ok(Number.isNaN(computeAuc([1, 1], [0.2, 0.3])));
  const rng = makeRng(7);
  for (let trial = 0; trial < 20; trial++) {
    const y = Array.from({ length: 200 }, () => (rng() < 0.4 ? 1 : 0));
    const s = Array.from({ length: 200 }, () => Math.round(rng() * 10) / 10); // many ties
    assert.ok(Math.abs(computeAuc(y, s) - pairAuc(y, s)) < 1e-12);
  }
});

test('ROC curve runs from (0,0) to (1,1) and its trapezoids give the AUC', () => {
  const y = [0, 0, 1, 1, 0, 1, 1, 0];
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2];
  const roc = rocCurve(y, s);
  assert.deepEqual([roc[0].fpr, roc[0].tpr], [0, 0]);
  assert.deepEqual([roc.at(-1)!.fpr, roc.at(-1)!.tpr], [1, 1]);
  let area = 0;
  for (let i = 1; i < roc.length; i++) area += ((roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr)) / 2;
  assert.ok(Math.abs(area - computeAuc(y, s)) < 1e-12);
});

test('MedMNIST Evaluator semantics for each task type', () => {
  // binary: positive column, threshold 0.5 (strictly greater)
  const bin = {
    yTrue: Uint8Array.from([0, 1, 1, 0]),
    labelWidth: 1,
    numClasses: 2,
    yScore: Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.5, 0.5, 0.3, 0.7]),
  };
  assert.equal(medmnistAuc('binary-class', bin), computeAuc([0, 1, 1, 0], [0.1, 0.8, 0.5, 0.7]));
  assert.equal(medmnistAcc('binary-class', bin), 0.5); // 0.5 is not > 0.5, so sample 3 is predicted normal
  // multi-class: argmax ACC, macro one-vs-rest AUC
  const mc = {
    yTrue: Uint8Array.from([0, 1, 2]),
    labelWidth: 1,
    numClasses: 3,
    yScore: Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.5, 0.3, 0.2]),
  };
  assert.equal(medmnistAcc('multi-class', mc), 2 / 3);
  const ovr = [0, 1, 2].map((k) =>
    computeAuc(
      [0, 1, 2].map((y) => (y === k ? 1 : 0)),
      [0, 1, 2].map((i) => mc.yScore[i * 3 + k]),
    ),
  );
  assert.equal(medmnistAuc('ordinal-regression', mc), (ovr[0] + ovr[1] + ovr[2]) / 3);
  // multi-label: mean of per-label AUC and ACC (score ≥ 0.5 is positive)
  const ml = {
    yTrue: Uint8Array.from([1, 0, 0, 1, 1, 1]),
    labelWidth: 2,
    numClasses: 2,
    yScore: Float32Array.from([0.9, 0.2, 0.4, 0.5, 0.6, 0.4]),
  };
  assert.equal(medmnistAcc('multi-label, binary-class', ml), (1 + 2 / 3) / 2);
  assert.equal(
    medmnistAuc('multi-label, binary-class', ml),
    (computeAuc([1, 0, 1], [0.9, 0.4, 0.6]) + computeAuc([0, 1, 1], [0.2, 0.5, 0.4])) / 2,
  );
});

test('prediction file as MedMNIST writes it', () => {
  const p = {
    yTrue: Uint8Array.from([0, 1]),
    labelWidth: 1,
    numClasses: 2,
    yScore: Float32Array.from([0.75, 0.25, 0.5, 0.5]),
  };
  assert.equal(predictionsCsv(p), '0,0.75,0.25\n1,0.5,0.5\n');
  assert.equal(
    predictionsFileName('pneumoniamnist', 'test', 0.95678, 0.8871, 'run1'),
    'pneumoniamnist_test_[AUC]0.957_[ACC]0.887@run1.csv',
  );
});

test('clinical metrics: confusion matrix, rates, and seeded bootstrap CIs', () => {
  const y = [1, 1, 1, 1, 0, 0, 0, 0, 1, 0];
  const s = [0.9, 0.8, 0.4, 0.7, 0.2, 0.6, 0.1, 0.3, 0.95, 0.05];
  const m = clinicalMetrics(y, s, { seed: 3, resamples: 500 });
  assert.deepEqual(m.confusion, [
    [4, 1],
    [1, 4],
  ]);
  assert.equal(m.sensitivity, 0.8);
  assert.equal(m.specificity, 0.8);
  assert.equal(m.ppv, 0.8);
  assert.equal(m.npv, 0.8);
  assert.ok(Math.abs(m.f1! - 0.8) < 1e-12);
  assert.equal(m.accuracy, 0.8);
  assert.ok(m.ci95.accuracy[0] <= m.accuracy && m.accuracy <= m.ci95.accuracy[1]);
  assert.ok(m.ci95.auc![0] <= m.auc! && m.auc! <= m.ci95.auc![1]);
  assert.ok(m.ci95.accuracy[1] - m.ci95.accuracy[0] > 0.1, 'ten patients give a wide interval');
  assert.deepEqual(clinicalMetrics(y, s, { seed: 3, resamples: 500 }).ci95, m.ci95);
  assert.notDeepEqual(clinicalMetrics(y, s, { seed: 4, resamples: 500 }).ci95, m.ci95);
});
