import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRng } from '../src/engine/seed.js';
import { MedcnnError } from '../src/errors.js';
import { computeAuc } from '../src/metrics/auc.js';
import {
  applyTemperature,
  binaryCalibration,
  fitTemperature,
  logitsFromProbabilities,
  multiclassCalibration,
} from '../src/metrics/calibration.js';
import { clinicalMetrics } from '../src/metrics/clinical.js';
import { binomialHalfCdf, erfc, normalCdf, studentTCdf, studentTQuantile } from '../src/metrics/distributions.js';
import {
  chooseLabelThresholds,
  chooseThreshold,
  formatThresholdRule,
  metricsAtThreshold,
  parseThresholdRule,
  type ThresholdRule,
} from '../src/metrics/operating-point.js';
import { delongTest, mcnemarFromCounts, mcnemarTest } from '../src/metrics/paired-tests.js';
import { summarizeSeeds } from '../src/metrics/seeds.js';
import { reliabilityPng, seedSpreadPng } from '../src/report/reliability-plot.js';

const close = (actual: number | null | undefined, expected: number, tol: number, what = ''): void => {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} is not ${expected} (±${tol})`,
  );
};

/** A MedcnnError whose English text matches `en` and that carries a Japanese text. */
function assertBilingual(fn: () => unknown, en: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MedcnnError, `not a MedcnnError: ${e}`);
    assert.match(e.message, en);
    assert.match(e.ja ?? '', /[\u3040-\u30ff\u4e00-\u9fff]/, 'has a Japanese text');
    return true;
  });
}

/** Standard normal draws from a seeded stream (Box–Muller). */
function normals(n: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return out;
}

// ---- operating point ----

test('threshold rules: the flag text parses, prints back, and nonsense is refused in English and Japanese', () => {
  assert.deepEqual(parseThresholdRule('0.5'), { kind: 'fixed', value: 0.5 });
  assert.deepEqual(parseThresholdRule(' Youden '), { kind: 'youden' });
  assert.deepEqual(parseThresholdRule('sens:0.95'), { kind: 'sensitivity', target: 0.95 });
  assert.deepEqual(parseThresholdRule('spec:.9'), { kind: 'specificity', target: 0.9 });
  assert.deepEqual(parseThresholdRule('sens:1'), { kind: 'sensitivity', target: 1 });
  for (const text of ['0.5', 'youden', 'sens:0.95', 'spec:0.9'])
    assert.equal(formatThresholdRule(parseThresholdRule(text)), text);
  for (const bad of [
    '',
    'yuden',
    '1',
    '0',
    '-0.2',
    '1.5',
    'sens:',
    'sens:0',
    'sens:95',
    'spec:1.01',
    'sens:0x1',
    'NaN',
    '0.5.1',
  ])
    assertBilingual(() => parseThresholdRule(bad), /is not a threshold rule.*youden.*sens:X.*spec:X/);
});

// Hand-made validation scores: five positives, five negatives, every score distinct.
//   score 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 0.95
//   label  0   0   1   0   0   1   0   1   1   1
// Cut above the k lowest: threshold (sens, spec, J) — 0.05 (1, 0, 0) · 0.15 (1, .2, .2) · 0.25 (1, .4, .4) ·
// 0.35 (.8, .4, .2) · 0.45 (.8, .6, .4) · 0.55 (.8, .8, .6) · 0.65 (.6, .8, .4) · 0.75 (.6, 1, .6) ·
// 0.85 (.4, 1, .4) · 0.925 (.2, 1, .2) · 0.975 (0, 1, 0).
const HAND_Y = [0, 0, 1, 0, 0, 1, 0, 1, 1, 1];
const HAND_S = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const mid = (a: number, b: number) => (a + b) / 2;

test('threshold rules on hand-made scores: youden, sens:X and spec:X choose the exact midpoints', () => {
  const pick = (text: string) => chooseThreshold(HAND_Y, HAND_S, parseThresholdRule(text));
  // J = 0.6 at 0.55 and at 0.75: the tie goes to the lower, more sensitive threshold.
  assert.deepEqual(pick('youden'), { rule: 'youden', threshold: mid(0.5, 0.6), sensitivity: 0.8, specificity: 0.8 });
  assert.equal(pick('sens:0.8').threshold, mid(0.5, 0.6)); // the highest threshold still finding 4 of 5
  assert.equal(pick('sens:0.81').threshold, mid(0.2, 0.3)); // needs all 5: just below the lowest positive
  assert.equal(pick('sens:1').threshold, mid(0.2, 0.3));
  assert.equal(pick('sens:0.2').threshold, mid(0.9, 0.95));
  assert.equal(pick('spec:0.8').threshold, mid(0.5, 0.6)); // the lowest threshold keeping 4 of 5 negatives
  assert.equal(pick('spec:0.6').threshold, mid(0.4, 0.5));
  assert.equal(pick('spec:1').threshold, mid(0.7, 0.8));
  assert.deepEqual(pick('0.5'), { rule: '0.5', threshold: 0.5, sensitivity: 0.8, specificity: 0.8 });
  // The chosen point, measured with clinicalMetrics's rule (score > threshold), gives what was promised.
  for (const text of ['youden', 'sens:0.95', 'spec:0.7', 'sens:0.4']) {
    const point = pick(text);
    const m = clinicalMetrics(HAND_Y, HAND_S, { threshold: point.threshold, resamples: 1 });
    assert.equal(m.sensitivity, point.sensitivity, text);
    assert.equal(m.specificity, point.specificity, text);
  }
});

test('threshold edge cases: the ends of the scale, tied scores, one class, and per-label thresholds', () => {
  const rule = (text: string): ThresholdRule => parseThresholdRule(text);
  // Everything positive: half-way to 0 below the lowest score; nothing positive: half-way to 1.
  assert.equal(chooseThreshold([1, 0, 1], [0.2, 0.4, 0.8], rule('sens:1')).threshold, 0.1);
  assert.equal(chooseThreshold([1, 0], [0.2, 0.9], rule('spec:1')).threshold, mid(0.9, 1));
  // Scores at the ends themselves: the neighbour is one unit out, so the cut still separates them.
  assert.equal(chooseThreshold([1, 0], [0, 1], rule('sens:1')).threshold, -0.5);
  assert.equal(chooseThreshold([1, 0], [0, 1], rule('spec:1')).threshold, 1.5);
  // Tied scores move together; no threshold equals a score.
  const tied = chooseThreshold([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.7], rule('sens:0.5'));
  assert.deepEqual(tied, { rule: 'sens:0.5', threshold: 0.5, sensitivity: 0.5, specificity: 1 });
  assert.equal(chooseThreshold([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.7], rule('sens:0.6')).threshold, 0.15);
  // A rule that needs a class the split lacks is refused; a fixed threshold is not.
  assertBilingual(() => chooseThreshold([0, 0, 0], [0.1, 0.5, 0.9], rule('youden')), /needs positive cases/);
  assertBilingual(() => chooseThreshold([1, 1], [0.1, 0.5], rule('spec:0.9')), /needs negative cases/);
  assert.deepEqual(chooseThreshold([0, 0], [0.1, 0.9], rule('0.5')), {
    rule: '0.5',
    threshold: 0.5,
    sensitivity: null,
    specificity: 0.5,
  });
  assertBilingual(() => chooseThreshold([], [], rule('youden')), /split is empty/);
  assertBilingual(() => chooseThreshold([0, 1], [0.1, Number.NaN], rule('youden')), /non-finite/);
  // Multi-label (N×L row-major): each label gets its own threshold; a label without positives is named.
  const y = HAND_Y.flatMap((v, i) => [v, i >= 5 ? 1 : 0]);
  const s = HAND_S.flatMap((v, i) => [v, i / 10]);
  const points = chooseLabelThresholds(y, s, 2, rule('youden'));
  assert.deepEqual(
    points.map((p) => p.threshold),
    [mid(0.5, 0.6), mid(0.4, 0.5)],
  );
  const noPositives = HAND_Y.flatMap((v) => [v, 0]);
  assertBilingual(
    () => chooseLabelThresholds(noPositives, s, 2, rule('youden'), ['pneumonia', 'effusion']),
    /^Label effusion: .*needs positive cases/,
  );
});

test("metrics at a threshold: counts, n/a with reasons, and bootstrap intervals from clinicalMetrics's own resamples", () => {
  const rng = makeRng(3);
  const y = Array.from({ length: 300 }, () => (rng() < 0.4 ? 1 : 0));
  const s = y.map((v) => Math.min(1, Math.max(0, 0.35 + 0.3 * v + 0.25 * (rng() - 0.5) * 2)));
  const m = metricsAtThreshold(y, s, 0.5, { resamples: 400, seed: 9 });
  const base = clinicalMetrics(y, s, { threshold: 0.5, resamples: 400, seed: 9 });
  assert.deepEqual(m.confusion, base.confusion);
  assert.deepEqual(m.ci95.accuracy, base.ci95.accuracy, 'the same resamples as clinicalMetrics');
  assert.deepEqual(m.ci95.auc, base.ci95.auc);
  const [[tn, fp], [fn, tp]] = m.confusion;
  assert.equal(m.ppv, tp / (tp + fp));
  assert.equal(m.sensitivity, tp / (tp + fn));
  assert.equal(m.npv, tn / (tn + fn));
  for (const key of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1'] as const) {
    const ci = m.ci95[key]!;
    assert.ok(ci[0] <= m[key]! && m[key]! <= ci[1] && ci[1] - ci[0] > 0.01 && ci[1] - ci[0] < 0.3, `${key} ${ci}`);
  }
  // The PPV interval, recomputed here from the same seeded resamples (numpy's linear percentiles).
  const draw = makeRng(9);
  const ppvs: number[] = [];
  for (let r = 0; r < 400; r++) {
    let called = 0;
    let right = 0;
    for (let i = 0; i < y.length; i++) {
      const j = Math.floor(draw() * y.length);
      if (s[j] > 0.5) {
        called++;
        right += y[j];
      }
    }
    if (called) ppvs.push(right / called);
  }
  ppvs.sort((p, q) => p - q);
  const at = (q: number) => {
    const pos = q * (ppvs.length - 1);
    return ppvs[Math.floor(pos)] + (ppvs[Math.ceil(pos)] - ppvs[Math.floor(pos)]) * (pos - Math.floor(pos));
  };
  close(m.ci95.ppv![0], at(0.025), 1e-12, 'PPV CI low');
  close(m.ci95.ppv![1], at(0.975), 1e-12, 'PPV CI high');
  // Perfectly separated at the threshold: every ratio is 1 in every resample.
  const perfect = metricsAtThreshold([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.7, 0.9, 0.2, 0.6], 0.5, { resamples: 200 });
  for (const key of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1'] as const)
    assert.deepEqual(perfect.ci95[key], [1, 1], key);
  assert.deepEqual(metricsAtThreshold(y, s, 0.5, { resamples: 400, seed: 9 }), m, 'seeded: the same again');
  assert.notDeepEqual(metricsAtThreshold(y, s, 0.5, { resamples: 400, seed: 10 }).ci95.sensitivity, m.ci95.sensitivity);
  // Nothing called positive: PPV and its interval are n/a, with the reason, never NaN.
  const none = metricsAtThreshold(y, s, 0.999, { resamples: 50 });
  assert.equal(none.ppv, null);
  assert.equal(none.notAvailable.ppv, 'no-positive-predictions');
  assert.equal(none.ci95.ppv, null);
  assert.equal(none.sensitivity, 0);
  assert.ok(!JSON.stringify(none).includes('NaN'));
});

// ---- calibration ----

test('calibration by hand: 15-bin ECE, MCE, Brier and NLL, binary (positive class) and multi-class (top label)', () => {
  // 0.1 falls in bin [1/15, 2/15) with observed 1/2; 0.9 in [13/15, 14/15) with observed 1.
  const b = binaryCalibration([0, 1, 1, 1], [0.1, 0.1, 0.9, 0.9]);
  assert.equal(b.kind, 'positive-class');
  close(b.ece, 0.5 * 0.4 + 0.5 * 0.1, 1e-12, 'ECE');
  close(b.mce, 0.4, 1e-12, 'MCE');
  close(b.brier, (0.01 + 0.81 + 0.01 + 0.01) / 4, 1e-12, 'Brier');
  close(b.nll, -(3 * Math.log(0.9) + Math.log(0.1)) / 4, 1e-12, 'NLL');
  assert.equal(b.bins.length, 15);
  assert.deepEqual(
    b.bins.filter((x) => x.count).map((x) => [Math.round(x.lower * 15), x.count, x.meanPredicted, x.observed]),
    [
      [1, 2, 0.1, 0.5],
      [13, 2, 0.9, 1],
    ],
  );
  // The ends: 0 in the first bin, 1 in the last; a certain, wrong prediction gives a large finite NLL.
  const ends = binaryCalibration([0, 0], [0, 1]);
  assert.deepEqual([ends.bins[0].count, ends.bins[14].count], [1, 1]);
  assert.ok(Number.isFinite(ends.nll) && ends.nll > 15);
  // Multi-class: confidences 0.7 (right) and 0.5 (wrong).
  const m = multiclassCalibration([0, 2], [0.7, 0.2, 0.1, 0.2, 0.5, 0.3], 3);
  assert.equal(m.kind, 'top-label');
  close(m.ece, 0.5 * 0.3 + 0.5 * 0.5, 1e-12, 'ECE');
  close(m.brier, (0.09 + 0.04 + 0.01 + 0.04 + 0.25 + 0.49) / 2, 1e-12, 'Brier');
  close(m.nll, -(Math.log(0.7) + Math.log(0.3)) / 2, 1e-12, 'NLL');
  assertBilingual(() => binaryCalibration([0, 1], [0.2, 1.3]), /not a probability/);
  assertBilingual(() => multiclassCalibration([0, 3], [0.7, 0.2, 0.1, 0.2, 0.5, 0.3], 3), /not a class/);
});

/** Binary labels drawn from true logits, and a model whose logits are `scale` times too confident. */
function overconfident(n: number, seed: number, scale: number): { y: Float64Array; logits: Float64Array } {
  const z = normals(n, seed);
  const rng = makeRng(seed + 1);
  const y = new Float64Array(n);
  const logits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const truth = 1.5 * z[i];
    y[i] = rng() < 1 / (1 + Math.exp(-truth)) ? 1 : 0;
    logits[i] = scale * truth;
  }
  return { y, logits };
}

test('temperature scaling on synthetic over-confident scores: T > 1, and ECE and NLL fall on held-out data', () => {
  const val = overconfident(4000, 11, 3);
  const held = overconfident(20000, 99, 3); // large, so that sampling noise in ECE is small (about 0.01)
  const fit = fitTemperature(val.logits, val.y, 1);
  assert.ok(fit.temperature > 2.5 && fit.temperature < 3.5, `T = ${fit.temperature} for logits 3× too confident`);
  assert.ok(fit.nllAfter < fit.nllBefore && !fit.atBound);
  // Golden section found the minimum: 1% either way is no better.
  for (const f of [1.01, 1 / 1.01]) {
    const p = applyTemperature(val.logits, fit.temperature * f, 1);
    assert.ok(binaryCalibration(val.y, p).nll >= fit.nllAfter - 1e-12);
  }
  const before = binaryCalibration(held.y, applyTemperature(held.logits, 1, 1));
  const after = binaryCalibration(held.y, applyTemperature(held.logits, fit.temperature, 1));
  assert.ok(before.ece > 0.08, `over-confident ECE ${before.ece}`);
  assert.ok(after.ece < 0.03 && after.ece < before.ece / 3, `ECE ${before.ece} → ${after.ece}`);
  assert.ok(after.nll < before.nll && after.brier < before.brier);
  assert.equal(computeAuc(held.y, applyTemperature(held.logits, fit.temperature, 1)), computeAuc(held.y, held.logits));
  // Two softmax columns [0, z] are the same model as one sigmoid column z: the same T.
  const two = Float64Array.from({ length: 8000 }, (_, i) => (i % 2 ? val.logits[i >> 1] : 0));
  close(fitTemperature(two, val.y, 2).temperature, fit.temperature, 1e-6, 'two columns');
  // Under-confident logits are sharpened: T < 1.
  const under = overconfident(4000, 5, 1 / 3);
  const t = fitTemperature(under.logits, under.y, 1).temperature;
  assert.ok(t > 0.25 && t < 0.45, `T = ${t} for logits 3× too timid`);
  // Logits recovered from probabilities give the same fit.
  const probs = applyTemperature(val.logits, 1, 1);
  close(fitTemperature(logitsFromProbabilities(probs, 1), val.y, 1).temperature, fit.temperature, 1e-6, 'from p');
  // No information (equal logits): T = 1. Perfectly separated: T at the lower bound, said so.
  assert.equal(fitTemperature([0, 0, 0, 0], [0, 1, 0, 1], 1).temperature, 1);
  const sep = fitTemperature([-2, -1, 1, 2], [0, 0, 1, 1], 1);
  assert.ok(sep.atBound && Math.abs(sep.temperature - 0.01) < 1e-9, `T = ${sep.temperature}`);
  assertBilingual(() => applyTemperature([1], 0, 1), /not a positive number/);
});

test('temperature scaling, multi-class softmax: T > 1 for over-confidence and the top-label ECE falls', () => {
  const K = 4;
  const n = 3000;
  const draw = (seed: number) => {
    const z = normals(n * K, seed);
    const rng = makeRng(seed + 7);
    const y = new Float64Array(n);
    const logits = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: K }, (_, k) => 1.2 * z[i * K + k]);
      const e = row.map(Math.exp);
      const sum = e.reduce((a, b) => a + b, 0);
      let u = rng() * sum;
      let label = 0;
      while (label < K - 1 && u > e[label]) u -= e[label++];
      y[i] = label;
      for (let k = 0; k < K; k++) logits[i * K + k] = 2.5 * row[k];
    }
    return { y, logits };
  };
  const val = draw(21);
  const held = draw(22);
  const fit = fitTemperature(val.logits, val.y, K);
  assert.ok(fit.temperature > 2 && fit.temperature < 3, `T = ${fit.temperature}`);
  const before = multiclassCalibration(held.y, applyTemperature(held.logits, 1, K), K);
  const after = multiclassCalibration(held.y, applyTemperature(held.logits, fit.temperature, K), K);
  assert.ok(after.ece < before.ece / 2 && after.ece < 0.04, `ECE ${before.ece} → ${after.ece}`);
  assert.ok(after.nll < before.nll);
});

// ---- paired tests ----

/** AUC by its definition: the share of (positive, negative) pairs ranked right, ties one half. */
function pairCountAuc(y: ArrayLike<number>, s: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < y.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        den++;
        num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return num / den;
}

test('DeLong: the AUCs are the Mann–Whitney pair counts and the SE matches a 4000-resample bootstrap', () => {
  const n = 400;
  const rng = makeRng(31);
  const shared = normals(n, 32);
  const noiseA = normals(n, 33);
  const noiseB = normals(n, 34);
  const y = Array.from({ length: n }, () => (rng() < 0.35 ? 1 : 0));
  // Two correlated models (a shared component), rounded so that ties occur.
  const a = y.map((v, i) => Math.round((1.2 * v + shared[i] + 0.7 * noiseA[i]) * 10) / 10);
  const b = y.map((v, i) => Math.round((0.8 * v + shared[i] + 0.7 * noiseB[i]) * 10) / 10);
  const r = delongTest(y, a, b);
  close(r.aucA, pairCountAuc(y, a), 1e-12, 'AUC A');
  close(r.aucB, pairCountAuc(y, b), 1e-12, 'AUC B');
  close(r.difference, r.aucA - r.aucB, 1e-15, 'difference');
  assert.ok(r.covariance > 0, 'the shared component correlates the AUCs');
  // Bootstrap the difference of AUCs, resampling positives and negatives separately (as DeLong conditions).
  const pos = y.flatMap((v, i) => (v ? [i] : []));
  const neg = y.flatMap((v, i) => (v ? [] : [i]));
  const boot = makeRng(35);
  const diffs: number[] = [];
  for (let k = 0; k < 4000; k++) {
    const idx = [
      ...pos.map(() => pos[Math.floor(boot() * pos.length)]),
      ...neg.map(() => neg[Math.floor(boot() * neg.length)]),
    ];
    const yy = idx.map((i) => y[i]);
    diffs.push(
      computeAuc(
        yy,
        idx.map((i) => a[i]),
      ) -
        computeAuc(
          yy,
          idx.map((i) => b[i]),
        ),
    );
  }
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1));
  assert.ok(Math.abs(r.se - sd) / sd < 0.1, `DeLong SE ${r.se} vs bootstrap ${sd}`);
  close(r.z, r.difference / r.se, 1e-12, 'z');
  close(r.pValue, erfc(Math.abs(r.z!) / Math.SQRT2), 1e-12, 'p');
  // The same model twice: no difference, z = 0, p = 1.
  const same = delongTest(y, a, a);
  assert.deepEqual([same.difference, same.z, same.pValue], [0, 0, 1]);
  assertBilingual(() => delongTest([1, 0, 0], [0.5, 0.2, 0.1], [0.4, 0.3, 0.2]), /at least 2 positive and 2 negative/);
  assertBilingual(() => delongTest([1, 0], [0.5, 0.2], [0.4]), /same images/);
});

// pROC's worked example: aSAH (113 patients, 41 poor outcomes), markers ndka and s100b, paired DeLong.
// The scores below are rank-equivalent to the data: reconstructed from the DeLong placements pROC publishes
// for aSAH (tests/testthat/helper-deLongPlacementsCpp-expected.R), each case's score its count of controls
// below (ties ½), doubled, and each control's its mid-position among the controls, doubled. DeLong's test
// depends on the scores only through the case–control order, which these keep for every patient (pairing by
// patient order, as pROC's cases and controls are). Expected values: pROC's tests of roc.test and var.
const ASAH = {
  ndka: {
    cases: [
      116, 90, 98, 110, 6, 40, 74, 134, 140, 134, 134, 58, 104, 124, 24, 36, 102, 2, 144, 124, 62, 74, 80, 102, 128, 93,
      124, 36, 142, 109, 6, 49, 124, 6, 48, 134, 76, 104, 138, 74, 110,
    ],
    controls: [
      1, 38, 30, 68, 15, 109, 15, 120, 100, 120, 113, 139, 44, 15, 85, 15, 15, 143, 91, 54, 54, 120, 4, 30, 15, 49, 96,
      30, 106, 136, 30, 15, 85, 44, 30, 96, 131, 126, 60, 78, 141, 15, 113, 54, 68, 68, 106, 4, 113, 85, 44, 68, 120,
      68, 78, 30, 54, 68, 131, 38, 85, 93, 136, 75, 85, 44, 131, 60, 103, 126, 15, 100,
    ],
  },
  s100b: {
    cases: [
      81, 63, 103, 78, 130, 144, 140, 26, 123, 50, 26, 128, 126, 139, 144, 118, 144, 144, 144, 26, 144, 120, 0, 50, 116,
      144, 118, 144, 38, 118, 81, 63, 74, 116, 144, 88, 144, 121, 144, 144, 130,
    ],
    controls: [
      81, 88, 63, 10, 134, 111, 63, 63, 10, 38, 10, 50, 74, 26, 111, 26, 74, 81, 111, 10, 103, 88, 125, 50, 142, 134,
      103, 26, 129, 134, 74, 38, 50, 38, 10, 81, 63, 88, 96, 10, 10, 50, 10, 50, 38, 103, 50, 38, 123, 74, 119, 26, 63,
      121, 26, 10, 117, 127, 63, 96, 38, 88, 63, 26, 10, 111, 96, 134, 111, 96, 142, 139,
    ],
  },
};

test("DeLong reproduces pROC's worked example: aSAH, roc.test(ndka, s100b)", () => {
  const y = [...ASAH.ndka.cases.map(() => 1), ...ASAH.ndka.controls.map(() => 0)];
  const ndka = [...ASAH.ndka.cases, ...ASAH.ndka.controls];
  const s100b = [...ASAH.s100b.cases, ...ASAH.s100b.controls];
  const r = delongTest(y, ndka, s100b);
  assert.deepEqual([r.positives, r.negatives], [41, 72]);
  close(r.aucA, 0.611957994579946, 1e-13, 'AUC ndka');
  close(r.aucB, 0.731368563685637, 1e-13, 'AUC s100b');
  close(r.varianceA, 0.0031908105493913, 1e-13, 'var ndka');
  close(r.varianceB, 0.00266868245717244, 1e-13, 'var s100b');
  close(r.z, -1.39077002573558, 1e-12, 'Z');
  close(r.pValue, 0.164295175223054, 1e-12, 'p');
  close(r.ci95[0], -0.2876917446341914, 1e-12, 'CI low');
  close(r.ci95[1], 0.0488706064228094, 1e-12, 'CI high');
  // Swapping the models flips z and keeps p (pROC's t3b).
  const swapped = delongTest(y, s100b, ndka);
  close(swapped.z, 1.39077002573558, 1e-12, 'swapped Z');
  close(swapped.pValue, r.pValue!, 1e-15, 'swapped p');
});

test('McNemar against hand-computed values: exact below 25 discordant images, corrected chi-square above', () => {
  // Exact: p = 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½).
  assert.deepEqual(mcnemarFromCounts(1, 6), {
    b: 1,
    c: 6,
    method: 'exact',
    statistic: null,
    pValue: (2 * (1 + 7)) / 128,
  });
  assert.equal(mcnemarFromCounts(0, 5).pValue, 2 / 32);
  assert.equal(mcnemarFromCounts(3, 3).pValue, 1); // 2·42/64 capped at 1
  assert.equal(mcnemarFromCounts(0, 0).pValue, 1);
  assert.equal(mcnemarFromCounts(12, 12).method, 'exact'); // 24 < 25
  // Chi-square with continuity correction: (|30 − 10| − 1)²/40 = 9.025; P(χ²₁ ≥ 9.025) from SciPy.
  const chi = mcnemarFromCounts(30, 10);
  assert.equal(chi.method, 'chi-square');
  assert.equal(chi.statistic, 9.025);
  close(chi.pValue, 0.002663119259138558, 1e-12, 'chi-square p');
  assert.deepEqual([mcnemarFromCounts(15, 15).statistic, mcnemarFromCounts(15, 15).pValue], [0, 1]);
  // The exact test forced on large counts stays accurate in log space (SciPy: 2·binom.cdf(200, 500, ½)).
  close(mcnemarFromCounts(300, 200, { exact: true }).pValue, 8.940066542253288e-6, 1e-9, 'exact 300/200');
  assert.equal(mcnemarFromCounts(3, 9, { exact: false }).method, 'chi-square');
  // From predictions: A right and B wrong on images 0 and 3; B right and A wrong on image 4.
  const r = mcnemarTest([1, 0, 2, 1, 0, 2], [1, 0, 2, 1, 1, 0], [0, 0, 2, 2, 0, 0]);
  assert.deepEqual([r.b, r.c, r.pValue], [2, 1, 1]);
  assertBilingual(() => mcnemarFromCounts(1.5, 2), /not counts/);
  assertBilingual(() => mcnemarTest([1, 0], [1], [1, 0]), /same images/);
});

test('distributions: erfc, the normal CDF, the binomial tail and Student t against SciPy', () => {
  const erfcRef: [number, number][] = [
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [1.5, 0.03389485352468927],
    [2, 0.004677734981047266],
    [2.5, 0.00040695201744495886],
    [3, 2.2090496998585445e-5],
    [5, 1.5374597944280347e-12],
    [10, 2.0884875837625446e-45],
    [-1, 1.8427007929497148],
  ];
  for (const [x, v] of erfcRef) assert.ok(Math.abs(erfc(x) - v) <= 1e-13 * v, `erfc(${x}) = ${erfc(x)}, not ${v}`);
  close(normalCdf(1.96), 0.9750021048517795, 1e-14, 'Φ(1.96)');
  assert.equal(binomialHalfCdf(1, 7), 8 / 128);
  assert.equal(binomialHalfCdf(7, 7), 1);
  const tRef: [number, number][] = [
    [1, 12.706204736174694],
    [2, 4.302652729749462],
    [4, 2.7764451051977934],
    [9, 2.262157162798205],
    [29, 2.045229642132703],
    [1000, 1.9623390808264083],
  ];
  for (const [df, v] of tRef) close(studentTQuantile(0.975, df), v, 1e-10, `t(0.975, ${df})`);
  close(studentTQuantile(0.025, 4), -2.7764451051977934, 1e-10, 't(0.025, 4)');
  close(studentTCdf(-2.5, 3), 0.04385332350403278, 1e-12, 'T₃ ≤ −2.5');
  close(studentTCdf(0.7, 7), 0.7467412239022, 1e-12, 'T₇ ≤ 0.7');
});

// ---- seeds ----

test('seeds summary against hand values: mean, sd (n − 1) and the t interval; missing values left out', () => {
  const s = summarizeSeeds(
    [
      { seed: 0, metrics: { auc: 0.9, specificity: 0.5, ppv: null } },
      { seed: 1, metrics: { auc: 0.92, specificity: Number.NaN, ppv: null } },
      { seed: 2, metrics: { auc: 0.94, specificity: 0.7 } },
    ],
    ['auc', 'specificity', 'ppv'],
  );
  assert.deepEqual(s.seeds, [0, 1, 2]);
  assert.equal(s.interval, 't');
  const [auc, spec, ppv] = s.metrics;
  assert.deepEqual([auc.metric, auc.n, auc.missing], ['auc', 3, 0]);
  close(auc.mean, 0.92, 1e-15, 'mean');
  close(auc.sd, 0.02, 1e-12, 'sd'); // √((0.02² + 0 + 0.02²)/2)
  // t(0.975, 2) = 4.302652729749462; half-width 4.3027·0.02/√3 = 0.049682754…
  close(auc.ci95![0], 0.92 - 0.04968275423500662, 1e-10, 'CI low');
  close(auc.ci95![1], 0.92 + 0.04968275423500662, 1e-10, 'CI high');
  assert.deepEqual([spec.values, spec.n, spec.missing], [[0.5, null, 0.7], 2, 1]);
  close(spec.mean, 0.6, 1e-15, 'mean of two');
  close(spec.sd, Math.SQRT2 / 10, 1e-12, 'sd of two');
  close(spec.ci95![1], 0.6 + 12.706204736174694 * 0.1, 1e-10, 't(0.975, 1)·sd/√2');
  assert.deepEqual([ppv.n, ppv.mean, ppv.sd, ppv.ci95], [0, null, null, null]);
  const one = summarizeSeeds([{ seed: 42, metrics: { auc: 0.97 } }], ['auc']).metrics[0];
  assert.deepEqual([one.mean, one.sd, one.ci95], [0.97, null, null]);
  assertBilingual(() => summarizeSeeds([], ['auc']), /no runs/);
  assertBilingual(
    () =>
      summarizeSeeds(
        [
          { seed: 1, metrics: {} },
          { seed: 1, metrics: {} },
        ],
        ['auc'],
      ),
    /repeat a seed/,
  );
});

// ---- figures ----

test('the reliability diagram and the seed-spread plot are PNGs, in English and in Japanese', () => {
  const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const val = overconfident(2000, 3, 3);
  const fit = fitTemperature(val.logits, val.y, 1);
  const before = binaryCalibration(val.y, applyTemperature(val.logits, 1, 1));
  const after = binaryCalibration(val.y, applyTemperature(val.logits, fit.temperature, 1));
  const both = reliabilityPng(
    { before, after: { calibration: after, temperature: fit.temperature }, split: 'test', positiveName: 'pneumonia' },
    'en',
  );
  const alone = reliabilityPng({ before, split: 'test' }, 'ja');
  assert.ok(isPng(both) && isPng(alone) && both.length > 5000);
  assert.notDeepEqual(
    both,
    reliabilityPng({ before, split: 'test', positiveName: 'pneumonia' }, 'en'),
    'the after curve is drawn',
  );
  const summary = summarizeSeeds(
    [0, 1, 2, 3, 4].map((seed) => ({
      seed,
      metrics: { AUC: 0.97 + seed / 500, ACC: 0.9 - seed / 100, ECE: seed ? 0.03 : null },
    })),
    ['AUC', 'ACC', 'ECE'],
  );
  const spread = seedSpreadPng(summary, 'en');
  assert.ok(isPng(spread) && spread.length > 5000);
  assert.ok(isPng(seedSpreadPng(summary, 'ja', { ACC: '正解率' })));
});
