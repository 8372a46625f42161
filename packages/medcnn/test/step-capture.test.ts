import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

/** A run's history and test metrics, the parts that must not depend on how steps were executed. */
function outcome(dir: string) {
  const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
  return {
    history: fs
      .readFileSync(path.join(dir, 'history.csv'), 'utf8')
      .split('\n')
      .map((line) => line.split(',').slice(0, 5).join(',')),
    acc: metrics.test.acc,
    auc: metrics.test.auc,
  };
}

test('on libtorch the training step is captured and replayed, with the numbers of plain steps (a cosine schedule, class weights)', (t) => {
  const root = smallPneumoniaRoot(320, 64, 64);
  const dir = tempDir();
  const args = (out: string) => [
    'train',
    '--dataset',
    'pneumoniamnist',
    '--root',
    root,
    '--model',
    'simplecnn',
    '--epochs',
    '2',
    '--schedule',
    'cosine',
    '--class-weight',
    'balanced',
    '--threads',
    '1',
    '--out',
    out,
    '--no-progress',
  ];
  const captured = medcnn(args(path.join(dir, 'captured')), { MEDCNN_BACKEND: 'libtorch' });
  if (captured.code !== 0 && /libtorch/.test(captured.err) && /unavailable|not available/.test(captured.err)) {
    t.skip(`libtorch unavailable: ${captured.err.trim()}`);
    return;
  }
  assert.equal(captured.code, 0, captured.err);
  assert.match(captured.out, /training step captured: \d+ native ops replayed per batch/);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'captured', 'config.json'), 'utf8'));
  assert.equal(config.stepCapture, 'captured');
  const plain = medcnn(args(path.join(dir, 'plain')), { MEDCNN_BACKEND: 'libtorch', MEDCNN_STEP_CAPTURE: '0' });
  assert.equal(plain.code, 0, plain.err);
  assert.doesNotMatch(plain.out, /training step captured/);
  assert.deepEqual(outcome(path.join(dir, 'captured')), outcome(path.join(dir, 'plain')));
});

test('a model with dropout (MobileNetV2: its classifier dropout) is captured too, with the numbers of plain steps', (t) => {
  const root = smallPneumoniaRoot(320, 64, 64);
  const dir = tempDir();
  const args = (out: string) => [
    'train',
    '--dataset',
    'pneumoniamnist',
    '--root',
    root,
    '--model',
    'mobilenet_v2',
    '--epochs',
    '2',
    '--seed',
    '3',
    '--threads',
    '1',
    '--out',
    out,
    '--no-progress',
  ];
  const captured = medcnn(args(path.join(dir, 'captured')), { MEDCNN_BACKEND: 'libtorch' });
  if (captured.code !== 0 && /libtorch/.test(captured.err) && /unavailable|not available/.test(captured.err)) {
    t.skip(`libtorch unavailable: ${captured.err.trim()}`);
    return;
  }
  assert.equal(captured.code, 0, captured.err);
  assert.match(captured.out, /training step captured: \d+ native ops replayed per batch/);
  // The dropout masks come from the backend's generator, seeded by --seed: plain steps draw the same ones.
  const plain = medcnn(args(path.join(dir, 'plain')), { MEDCNN_BACKEND: 'libtorch', MEDCNN_STEP_CAPTURE: '0' });
  assert.equal(plain.code, 0, plain.err);
  assert.doesNotMatch(plain.out, /training step captured/);
  assert.deepEqual(outcome(path.join(dir, 'captured')), outcome(path.join(dir, 'plain')));
});
