import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decideClasses } from '../src/metrics/decide.js';
import type { Predictions } from '../src/metrics/evaluator.js';
import { binaryCalibration, multilabelCalibration } from '../src/metrics/calibration.js';
import { calibrated, decideOnValidation } from '../src/run/decision.js';
import { RunFolder } from '../src/runfolder/index.js';
import { medcnn, pneumonia, smallPneumoniaRoot, tempDir, writeXrayPng } from './helpers.js';

test('a decision: the positive class above the threshold, every label above its own, else the most probable', () => {
  assert.deepEqual(decideClasses('binary-class', [0.3, 0.7], 0.8), [0]);
  assert.deepEqual(decideClasses('binary-class', [0.1, 0.9], 0.8), [1]);
  assert.deepEqual(decideClasses('binary-class', [0.7, 0.3], 0.6, 0), [0], 'the condition is label 0 (BreastMNIST)');
  assert.deepEqual(decideClasses('binary-class', [0.3, 0.7], undefined), [1]);
  assert.deepEqual(decideClasses('multi-label, binary-class', [0.3, 0.7, 0.5], [0.2, 0.8, 0.4]), [0, 2]);
  assert.deepEqual(decideClasses('multi-class', [0.2, 0.5, 0.3], 0.9), [1]);
});

test('temperature and threshold are chosen on validation; a multi-class task refuses a threshold', () => {
  // Over-confident binary validation predictions: right 80% of the time with probability 0.99.
  const n = 200;
  const yTrue = new Uint8Array(n).map((_, i) => (i % 2 ? 1 : 0));
  const yScore = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const right = i % 5 !== 0;
    const p1 = (yTrue[i] === 1) === right ? 0.99 : 0.01;
    yScore.set([1 - p1, p1], i * 2);
  }
  const val: Predictions = { yTrue, labelWidth: 1, yScore, numClasses: 2 };
  const d = decideOnValidation('binary-class', val, 1, { calibrate: 'temperature', rule: { kind: 'youden' } }, []);
  assert.ok(d.temperature! > 1, `over-confident: T = ${d.temperature}`);
  assert.equal(d.operatingPoint?.rule, 'youden');
  const after = calibrated('binary-class', val, d.temperature);
  assert.ok(after.yScore[1] < 0.99 && after.yScore[1] > 0.5, `softened: ${after.yScore[1]}`);
  assert.throws(
    () =>
      decideOnValidation(
        'multi-class',
        { ...val, numClasses: 2 },
        undefined,
        { calibrate: 'none', rule: { kind: 'youden' } },
        [],
      ),
    /--threshold applies to binary and multi-label tasks/,
  );
});

test('train --threshold spec:0.9 --calibrate temperature: recorded, reported at 0.5 and at the point, used by evaluate and predict', () => {
  const root = smallPneumoniaRoot(320, 160, 160);
  const out = path.join(tempDir(), 'decided');
  const r = medcnn([
    'train',
    '--root',
    root,
    '--out',
    out,
    '--epochs',
    '2',
    '--threshold',
    'spec:0.9',
    '--calibrate',
    'temperature',
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /at the threshold chosen on validation \(spec:0\.9: 0\.\d{3}\): ACC/);
  assert.match(r.out, /calibration \(test\): ECE [\d.]+ → [\d.]+ .*after temperature scaling \(T = [\d.]+/);
  const run = RunFolder.open(out);
  const t = run.config.operatingPoint?.threshold as number;
  assert.equal(run.config.operatingPoint?.rule, 'spec:0.9');
  assert.ok(t > 0 && t < 1);
  assert.ok(run.config.temperature! > 0);
  const test = run.readMetrics().test;
  assert.equal(test.operatingPoint?.threshold, t);
  assert.ok(test.calibration?.after && test.calibration.before);
  assert.ok(fs.existsSync(path.join(out, 'reliability.png')));
  // evaluate applies the recorded decision (it never chooses again on test).
  const e = medcnn(['evaluate', out]);
  assert.equal(e.code, 0, e.err);
  assert.deepEqual(run.readMetrics().test.operatingPoint, test.operatingPoint);
  // predict decides with the run's threshold on its calibrated probabilities.
  const [, , te] = pneumonia();
  const files = [0, 1, 2, 3, 4, 5].map((k) => {
    const f = path.join(out, `..`, `x${k}.png`);
    writeXrayPng(f, te, k);
    return f;
  });
  const p = medcnn(['predict', out, ...files, '--json']);
  assert.equal(p.code, 0, p.err);
  for (const item of JSON.parse(p.out) as { classIndex: number; probabilities: number[] }[])
    assert.equal(item.classIndex, item.probabilities[1] > t ? 1 : 0);
});

test('multi-label: one threshold per label chosen on validation, each label measured at its own on test; calibration of the labels pooled', async () => {
  const dir = tempDir();
  const [tr] = pneumonia();
  const n = 160;
  const lines = ['path,pneumonia,bright'];
  // Two labels of real X-rays: the finding, and whether the film is brighter than the median.
  const means = Array.from({ length: n }, (_, i) =>
    tr.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0),
  );
  const median = [...means].sort((a, b) => a - b)[n / 2];
  for (let i = 0; i < n; i++) {
    writeXrayPng(path.join(dir, `${i}.png`), tr, i);
    lines.push(`${i}.png,${tr.labels[i] ? 1 : 0},${means[i] > median ? 1 : 0}`);
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), `${lines.join('\n')}\n`);
  const out = path.join(dir, 'run');
  const r = medcnn([
    'train',
    '--data',
    path.join(dir, 'manifest.csv'),
    '--task',
    'multi-label',
    '--threshold',
    '0.4',
    '--calibrate',
    'temperature',
    '--epochs',
    '1',
    '--out',
    out,
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /at the thresholds chosen on validation \(0\.4, one per label\)/);
  const run = RunFolder.open(out);
  assert.deepEqual(run.config.operatingPoint?.threshold, [0.4, 0.4]);
  const perLabel = run.readMetrics().test.labelOperatingPoints!;
  assert.deepEqual(
    perLabel.map((l) => [l.label, l.threshold]),
    [
      ['pneumonia', 0.4],
      ['bright', 0.4],
    ],
  );
  for (const l of perLabel) assert.ok(l.confusion.flat().reduce((a, b) => a + b, 0) > 0);
  // Calibration over every label's probability: reported before and after the temperature, drawn, printed.
  const cal = run.readMetrics().test.calibration!;
  assert.equal(cal.before.kind, 'pooled-labels');
  assert.equal(cal.before.count, run.readMetrics().test.count * 2);
  assert.ok(cal.after && cal.temperature! > 0);
  assert.ok(Number.isFinite(cal.before.ece) && Number.isFinite(cal.after.ece));
  assert.ok(fs.existsSync(path.join(out, 'reliability.png')));
  assert.match(r.out, /calibration \(test\): ECE [\d.]+ → [\d.]+/);
});

test('multi-label calibration is the binary calibration of every label pooled', () => {
  const truth = [1, 0, 0, 1, 1, 1, 0, 0];
  const probs = [0.9, 0.2, 0.4, 0.7, 0.6, 0.95, 0.1, 0.5];
  const pooled = multilabelCalibration(truth, probs);
  const { kind, ...rest } = pooled;
  assert.equal(kind, 'pooled-labels');
  const { kind: _k, ...binary } = binaryCalibration(truth, probs);
  assert.deepEqual(rest, binary);
});
