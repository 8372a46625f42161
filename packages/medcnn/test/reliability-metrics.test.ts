import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { computeAuc, rocCurve } from '../src/metrics/auc.js';
import { clinicalMetrics } from '../src/metrics/clinical.js';
import { medmnistAcc, medmnistAuc, predictedClasses, predictionsCsv } from '../src/metrics/evaluator.js';
import { clinicalLine, formatInterval, formatMetric } from '../src/metrics/format.js';
import { createModel } from '../src/models/index.js';
import { saveModel } from '../src/models/io.js';
import { writeConfigFile as writeRunConfig } from '../src/runfolder/files.js';
import { pneumonia, smallPneumoniaRoot, tempDir, pneumoniaRunConfig } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

/** The real command, on wasm, with a small heap: code that loops while it allocates aborts in seconds, not minutes. */
function medcnn(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=400', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCNN_BACKEND: 'wasm', ...env },
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** Writes a run folder whose kept model is SimpleCNN with its weights changed by `edit` (a diverged or a lazy model). */
async function runWith(edit: (name: string, w: Float32Array) => void): Promise<string> {
  const dir = path.join(tempDir(), 'run');
  fs.mkdirSync(dir, { recursive: true });
  const _info = getDatasetInfo('pneumoniamnist');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  model.setWeights(
    model.weights.map((v) => {
      const w = v.read().dataSync() as Float32Array;
      const copy = Float32Array.from(w);
      edit(v.name, copy);
      return tf.tensor(copy, v.shape as number[]);
    }),
  );
  await saveModel(model, path.join(dir, 'model'));
  model.dispose();
  writeRunConfig(dir, pneumoniaRunConfig());
  return dir;
}

let root = '';
let labels: Uint8Array;
before(async () => {
  await initEngine({ backend: 'wasm' });
  root = smallPneumoniaRoot(20, 20, 150);
  labels = pneumonia()[2].labels.subarray(0, 200);
});

/** Scores for the real test labels: a fair model's, with `bad` put at index 7. */
function scoresWith(bad: number): Float32Array {
  const s = Float32Array.from(labels, (y, i) => (y ? 0.6 : 0.4) + ((i % 7) - 3) / 40);
  s[7] = bad;
  return s;
}

const nonFinite = (e: unknown) =>
  e instanceof MedcnnError && /non-finite outputs/.test(e.message) && /lower --lr/.test(e.message);

test('every metric refuses NaN and infinite scores with a clear error instead of looping', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const s = scoresWith(bad);
    assert.throws(() => computeAuc(labels, s), nonFinite, `computeAuc, ${bad}`);
    assert.throws(() => rocCurve(labels, s), nonFinite, `rocCurve, ${bad}`);
    assert.throws(() => clinicalMetrics(labels, s, { resamples: 50 }), nonFinite, `clinicalMetrics, ${bad}`);
    const twoColumns = new Float32Array(s.length * 2);
    s.forEach((v, i) => twoColumns.set([1 - v, v], i * 2));
    const p = { yTrue: labels, labelWidth: 1, yScore: twoColumns, numClasses: 2 };
    for (const [name, f] of [
      ['medmnistAuc', () => medmnistAuc('binary-class', p)],
      ['medmnistAcc', () => medmnistAcc('binary-class', p)],
      ['predictedClasses', () => predictedClasses('binary-class', p)],
      ['predictionsCsv', () => predictionsCsv(p)],
    ] as const)
      assert.throws(f, nonFinite, `${name}, ${bad}`);
  }
  // Finite scores still work, and an empty split is an error rather than NaN.
  assert.ok(computeAuc(labels, scoresWith(0.5)) > 0.9);
  assert.throws(() => clinicalMetrics([], []), /no images/);
});

test('medcnn evaluate on a diverged model (outputs NaN) is a one-line error, not a hang or an abort', async () => {
  // fc1's bias at 1e38 overflows the logits to +Infinity for both classes: softmax gives NaN, as after --lr 1e308.
  const run = await runWith((name, w) => {
    if (name.includes('fc1') && name.includes('bias')) w.fill(1e38);
    if (name.includes('logits') && name.includes('kernel')) w.fill(1);
  });
  const r = medcnn(['evaluate', run, '--split', 'test', '--root', root]);
  assert.equal(r.code, 1, `exit ${r.code} (${r.signal}); stderr: ${r.err.slice(-600)}`);
  assert.match(r.err, /^medcnn: The model produced non-finite outputs \(NaN or infinity\) for 300 of 300 scores/m);
  assert.match(r.err, /Train it again with a lower --lr/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

test('PPV, NPV and F1 without cases are null with the reason, never NaN, and print as n/a (why)', () => {
  const never = clinicalMetrics(labels, new Float32Array(labels.length).fill(0.1), { resamples: 50 });
  assert.equal(never.ppv, null);
  assert.equal(never.notAvailable.ppv, 'no-positive-predictions');
  assert.equal(never.sensitivity, 0, 'no positive found: sensitivity 0');
  assert.equal(never.f1, 0, 'F1 = 2TP/(2TP+FP+FN) = 0 when positives exist but none is predicted');
  assert.ok(never.npv! > 0 && never.npv! < 1);
  const json = JSON.stringify(never);
  assert.doesNotMatch(json, /NaN/);
  assert.match(json, /"ppv":null/);
  assert.equal(formatMetric(never.ppv, 'en', never.notAvailable.ppv), 'n/a (no positive predictions)');
  assert.equal(formatMetric(never.ppv, 'ja', never.notAvailable.ppv), '算出不能（陽性と予測された例がない）');
  assert.equal(formatMetric(0.123456, 'en'), '0.1235');
  assert.equal(formatMetric(Number.NaN, 'en'), 'n/a', 'a NaN from an older metrics.json');
  assert.match(clinicalLine(never, 'en'), /· PPV n\/a \(no positive predictions\) · NPV 0\.\d{4} · F1 0\.0000$/);

  const always = clinicalMetrics(labels, new Float32Array(labels.length).fill(0.9), { resamples: 50 });
  assert.equal(always.npv, null);
  assert.equal(always.notAvailable.npv, 'no-negative-predictions');
  assert.match(clinicalLine(always, 'en'), /NPV n\/a \(no negative predictions\)/);

  // Only normal cases: sensitivity and AUC (and its interval) have no value.
  const normals = Uint8Array.from(labels.filter((y) => y === 0));
  const one = clinicalMetrics(normals, new Float32Array(normals.length).fill(0.2), { resamples: 50 });
  assert.deepEqual(
    [one.sensitivity, one.auc, one.ci95.auc, one.f1],
    [null, null, null, null],
    JSON.stringify(one.notAvailable),
  );
  assert.deepEqual(one.notAvailable, {
    sensitivity: 'no-positive-cases',
    ppv: 'no-positive-predictions',
    f1: 'no-positive-cases-or-predictions',
    auc: 'one-class-only',
  });
  assert.equal(one.specificity, 1);
  assert.equal(formatInterval(one.ci95.auc, 'en', one.notAvailable.auc), 'n/a (only one class in the data)');
  assert.equal(formatInterval([0.81234, 0.9], 'en'), '0.812–0.900');
  assert.doesNotMatch(JSON.stringify(one), /NaN/);
});

test('medcnn evaluate with a model that never predicts pneumonia: PPV n/a (no positive predictions), in English and Japanese', async () => {
  // Zero weights and a bias for "normal": every X-ray is called normal.
  const run = await runWith((name, w) => {
    if (name.includes('logits') && name.includes('bias')) w.set([5, -5]);
    else if (name.includes('logits')) w.fill(0);
  });
  let r = medcnn(['evaluate', run, '--split', 'test', '--root', root]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PPV n\/a \(no positive predictions\) · NPV 0\.\d{4} · F1 0\.0000/);
  assert.doesNotMatch(r.out, /NaN/);
  const metrics = fs.readFileSync(path.join(run, 'metrics.json'), 'utf8');
  assert.doesNotMatch(metrics, /NaN/);
  const test = JSON.parse(metrics).test.clinical;
  assert.equal(test.ppv, null);
  assert.equal(test.notAvailable.ppv, 'no-positive-predictions');
  r = medcnn(['evaluate', run, '--split', 'test', '--root', root, '--lang', 'ja']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /陽性的中率 算出不能（陽性と予測された例がない）/);
});
