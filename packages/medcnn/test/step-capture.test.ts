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

/**
 * Trains twice on a small slice with `flags`, captured and with MEDCNN_STEP_CAPTURE=0, and asserts that the first was
 * captured, the second not, and both gave the same history and metrics. Returns the run folder, or null (skipped)
 * where libtorch is unavailable.
 */
function capturedMatchesPlain(t: { skip(why: string): void }, flags: string[]): string | null {
  const root = smallPneumoniaRoot(320, 64, 64);
  const dir = tempDir();
  const args = (out: string) => [
    'train',
    '--dataset',
    'pneumoniamnist',
    '--root',
    root,
    ...flags,
    '--threads',
    '1',
    '--out',
    out,
    '--no-progress',
  ];
  const captured = medcnn(args(path.join(dir, 'captured')), { MEDCNN_BACKEND: 'libtorch' });
  if (captured.code !== 0 && /libtorch/.test(captured.err) && /unavailable|not available/.test(captured.err)) {
    t.skip(`libtorch unavailable: ${captured.err.trim()}`);
    return null;
  }
  assert.equal(captured.code, 0, captured.err);
  assert.match(captured.out, /training step captured: \d+ native ops replayed per batch/);
  const plain = medcnn(args(path.join(dir, 'plain')), { MEDCNN_BACKEND: 'libtorch', MEDCNN_STEP_CAPTURE: '0' });
  assert.equal(plain.code, 0, plain.err);
  assert.doesNotMatch(plain.out, /training step captured/);
  assert.deepEqual(outcome(path.join(dir, 'captured')), outcome(path.join(dir, 'plain')));
  return dir;
}

test('on libtorch the training step is captured and replayed, with the numbers of plain steps (a cosine schedule, class weights)', (t) => {
  const flags = ['--model', 'simplecnn', '--epochs', '2', '--schedule', 'cosine', '--class-weight', 'balanced'];
  const dir = capturedMatchesPlain(t, flags);
  if (dir === null) return;
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'captured', 'config.json'), 'utf8'));
  assert.equal(config.stepCapture, 'captured');
});

test('a model with dropout (MobileNetV2: its classifier dropout) is captured too, with the numbers of plain steps', (t) => {
  // The dropout masks come from the backend's generator, seeded by --seed: plain steps draw the same ones.
  capturedMatchesPlain(t, ['--model', 'mobilenet_v2', '--epochs', '2', '--seed', '3']);
});
