import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { pneumonia, smallPneumoniaRoot, tempDir, CLI, medcnn, assertUserError, writeXrayPng } from './helpers.js';

let root = '';
let work = '';
let run = '';
let xray = '';

before(() => {
  root = smallPneumoniaRoot(640, 160, 160);
  work = tempDir();
  run = path.join(work, 'run');
  // A real test X-ray saved as a PNG, as a user would pass it.
  const [, , testSplit] = pneumonia();
  xray = path.join(work, 'xray.png');
  writeXrayPng(xray, testSplit, 0);
});

test('medcnn train runs the tutorial end to end and fills the run folder', () => {
  const r = medcnn([
    'train',
    '--dataset',
    'pneumoniamnist',
    '--model',
    'simplecnn',
    '--epochs',
    '2',
    '--batch-size',
    '64',
    '--lr',
    '0.001',
    '--seed',
    '42',
    '--root',
    root,
    '--out',
    run,
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /backend: wasm/);
  assert.match(r.out, /epoch 2\/2: train loss [\d.]+ · val loss [\d.]+ · val ACC [\d.]+ · val AUC [\d.]+/);
  assert.match(r.out, /test \(best epoch \d\): ACC 0\.\d+ \[95% CI/);
  assert.match(r.out, /sensitivity [\d.]+ · specificity [\d.]+/);
  const files = fs.readdirSync(run);
  for (const f of [
    'config.json',
    'model',
    'model-last',
    'history.csv',
    'metrics.json',
    'learning-curve.png',
    'samples.png',
    'roc.png',
    'confusion-matrix.png',
    'report.html',
  ]) {
    assert.ok(files.includes(f), `${f} in ${files}`);
  }
  assert.ok(
    files.some((f) => /^pneumoniamnist_test_\[AUC\]0\.\d{3}_\[ACC\]0\.\d{3}@run\.csv$/.test(f)),
    files.join(' '),
  );
  assert.ok(!files.some((f) => f.includes('.tmp')), 'no temporary files left');
  const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
  assert.equal(config.seed, 42);
  assert.equal(config.backend, 'wasm');
  assert.deepEqual(config.normalization, { mean: 0.5, std: 0.5 });
  const metrics = JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8'));
  assert.ok(metrics.test.auc > 0.8, `test AUC ${metrics.test.auc}`);
  assert.equal(fs.readFileSync(path.join(run, 'history.csv'), 'utf8').trim().split('\n').length, 3);
  const html = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
  assert.match(html, /learning-curve\.png/);
  assert.match(html, /sensitivity/);
});

test('medcnn evaluate writes the validation predictions as MedMNIST names them', () => {
  const r = medcnn(['evaluate', run, '--split', 'val', '--root', root]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /val: ACC 0\.\d+ · AUC 0\.\d+/);
  const csv = fs.readdirSync(run).find((f) => f.startsWith('pneumoniamnist_val_'))!;
  const lines = fs.readFileSync(path.join(run, csv), 'utf8').trim().split('\n');
  assert.equal(lines.length, 160);
  assert.match(lines[0], /^0,[\d.e-]+,[\d.e-]+$/);
});

test('medcnn predict classifies a PNG and refuses a non-image', () => {
  const r = medcnn(['predict', run, xray, '--json']);
  assert.equal(r.code, 0, r.err);
  const [p] = JSON.parse(r.out);
  assert.ok(['normal', 'pneumonia'].includes(p.label));
  assert.ok(Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-5);
  const notImage = path.join(work, 'notes.txt');
  fs.writeFileSync(notImage, 'not an image');
  assertUserError(medcnn(['predict', run, notImage]), /notes\.txt is not a PNG, JPEG or DICOM image/);
});

test('--lang ja prints Japanese and draws Japanese plots', () => {
  const out = path.join(work, 'ja');
  const r = medcnn(['train', '--epochs', '1', '--root', root, '--out', out, '--lang', 'ja', '--no-progress']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /エポック 1\/1: 学習損失/);
  assert.match(r.out, /感度 [\d.]+ · 特異度 [\d.]+/);
  assert.ok(fs.statSync(path.join(out, 'learning-curve.png')).size > 5000);
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /感度/);
  const p = medcnn(['predict', out, xray, '--lang', 'ja']);
  assert.match(p.out, /xray\.png: (正常|肺炎)（確率 0\.\d+）/);
});

test('bad input is a clear error with no partial output', () => {
  const out = path.join(work, 'never');
  const base = ['train', '--root', root, '--out', out, '--no-progress'];
  assertUserError(medcnn([...base, '--dataset', 'pneumonia']), /Unknown dataset 'pneumonia'/);
  assertUserError(medcnn([...base, '--model', 'lenet4']), /Unknown model 'lenet4'/);
  assertUserError(medcnn([...base, '--epochs', '-1']), /--epochs must be at least 1/);
  assertUserError(medcnn([...base, '--batch-size', '0']), /--batch-size must be at least 1/);
  assertUserError(medcnn([...base, '--epochs', 'five']), /--epochs must be a whole number/);
  assertUserError(medcnn([...base, '--lr', '0']), /--lr must be greater than 0/);
  assertUserError(medcnn([...base, '--bogus']), /Unknown option --bogus/);
  assertUserError(
    medcnn(['train', '--root', path.join(work, 'no-such-root'), '--out', out]),
    /pneumoniamnist\.npz is missing/,
  );
  const corruptRoot = tempDir();
  fs.writeFileSync(
    path.join(corruptRoot, 'pneumoniamnist.npz'),
    fs.readFileSync(path.join(root, 'pneumoniamnist.npz')).subarray(0, 5000),
  );
  assertUserError(medcnn(['train', '--root', corruptRoot, '--out', out]), /pneumoniamnist\.npz/);
  assert.ok(!fs.existsSync(out), 'no run folder was made for failed runs');
  const aFile = path.join(work, 'a-file');
  fs.writeFileSync(aFile, '');
  assertUserError(
    medcnn(['train', '--root', root, '--out', path.join(aFile, 'run')]),
    /Cannot write to .*a-file is a file, not a folder/,
  );
  assertUserError(medcnn(['evaluate', work]), /not a medcnn run folder/);
  assertUserError(medcnn(['frobnicate']), /unknown command 'frobnicate'/);
});

test('Ctrl-C stops after the batch, saves what is done and exits 130', async () => {
  const out = path.join(work, 'interrupted');
  const child = spawn(
    process.execPath,
    [CLI, 'train', '--epochs', '50', '--root', root, '--out', out, '--no-progress'],
    { env: { ...process.env, MEDCNN_BACKEND: 'wasm' } },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/epoch 1\/50:/.test(stdout) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stdout);
  assert.match(stdout, /Stopping after this batch/);
  assert.match(stdout, /test \(best epoch 1\)/);
  for (const f of ['model/model.json', 'model-last/weights.bin', 'history.csv', 'report.html'])
    assert.ok(fs.existsSync(path.join(out, f)), f);
  assert.ok(fs.readFileSync(path.join(out, 'history.csv'), 'utf8').trim().split('\n').length < 51);
});

test('medcnn info lists the datasets and shows one', () => {
  const r = medcnn(['info', '--root', root]);
  assert.equal(r.code, 0);
  assert.equal(r.out.trim().split('\n').length, 13);
  assert.match(r.out, /pneumoniamnist\s+binary-class\s+chest-xray\s+1\s+2\s+4708\/524\/624\s+28/);
  const one = medcnn(['info', 'pneumoniamnist', '--lang', 'ja']);
  assert.match(one.out, /1: 肺炎 \(pneumonia\)/);
  assert.match(one.out, /28209eda62fecd6e6a2d98b1501bb15f/);
});
