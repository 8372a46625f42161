import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { initEngine } from '../src/engine/backend.js';
import { createModel, saveModel } from '../src/models/index.js';
import { RunFolder } from '../src/runfolder/index.js';
import { pneumonia, smallPneumoniaRoot, tempDir, writeMedmnistNpz, CLI, medcnn, assertUserError } from './helpers.js';

// The run folder's promises, through the real command: nothing overwritten without --overwrite, no half runs,
// one writer at a time, non-finite training stopped, and Ctrl-C / SIGTERM recorded with exit 130 / 143.

/** Starts a command and resolves once its stdout matches `ready` (rejects if it exits first). */
function startUntil(args: string[], ready: RegExp): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, MEDCNN_BACKEND: 'wasm' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${ready}: ${out}`)), 120_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, out: () => out });
      }
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${ready}: ${out}`));
    });
  });
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

let root = '';
let work = '';
const train = (out: string, ...more: string[]): string[] => [
  'train',
  '--root',
  root,
  '--out',
  out,
  '--epochs',
  '1',
  '--no-progress',
  ...more,
];

before(() => {
  root = smallPneumoniaRoot(640, 160, 160);
  work = tempDir();
});

test('train never writes into a folder that is not a run, and replaces a run only with --overwrite', () => {
  const notRun = path.join(work, 'notes');
  fs.mkdirSync(notRun);
  fs.writeFileSync(path.join(notRun, 'patients.txt'), 'precious');
  assertUserError(medcnn(train(notRun)), /is not a medcnn run folder; medcnn never writes into it/);
  assert.equal(fs.readFileSync(path.join(notRun, 'patients.txt'), 'utf8'), 'precious');
  assert.deepEqual(fs.readdirSync(work).sort(), ['notes']);
  assertUserError(medcnn(train('/')), /\/ cannot be a medcnn run folder/);

  const run = path.join(work, 'run');
  assert.equal(medcnn(train(run)).code, 0);
  const first = fs.readFileSync(path.join(run, 'config.json'), 'utf8');
  assertUserError(medcnn(train(run, '--seed', '7')), /already holds a medcnn run; pass --overwrite/);
  assert.equal(fs.readFileSync(path.join(run, 'config.json'), 'utf8'), first, 'the earlier run is untouched');
  const r = medcnn(train(run, '--seed', '7', '--overwrite'));
  assert.equal(r.code, 0, r.err);
  assert.equal(RunFolder.open(run).config.seed, 7);
  // Nothing of the staging or the lock is left beside the run.
  assert.deepEqual(fs.readdirSync(work).sort(), ['notes', 'run']);
});

test('an unwritable or impossible --out is one line, at once', () => {
  const t0 = Date.now();
  assertUserError(medcnn(train('/proc/x')), /Cannot write to \/proc|Choose a writable folder/);
  assert.ok(Date.now() - t0 < 30_000, 'no spinning');
  const file = path.join(work, 'a-file');
  fs.writeFileSync(file, 'x');
  assertUserError(medcnn(train(path.join(file, 'run'))), /is a file, not a folder/);
});

test('two trainings into one folder: the second is refused while the first writes', async () => {
  const out = path.join(work, 'busy');
  const first = await startUntil(train(out, '--epochs', '2'), /^model: /m);
  const second = medcnn(train(out));
  assertUserError(second, /is being written by another medcnn \(pid \d+\)/);
  assert.equal(await exitOf(first.child), 0, first.out());
  const { config } = RunFolder.open(out);
  assert.equal(config.epochsCompleted, 2);
});

test('Ctrl-C in the first epoch: exit 130, nothing kept, the interruption recorded', async () => {
  const out = path.join(work, 'stopped-early');
  const { child, out: text } = await startUntil(train(out, '--epochs', '3'), /^model: /m);
  child.kill('SIGINT');
  assert.equal(await exitOf(child), 130, text());
  assert.match(text(), /no model was kept/);
  assert.doesNotMatch(text(), /run saved/);
  const { config } = RunFolder.open(out);
  assert.equal(config.interrupted, true);
  assert.equal(config.epochsCompleted, 0);
  assert.ok(!fs.existsSync(path.join(out, 'model')));
  assertUserError(medcnn(['predict', out, path.join(out, 'samples.png')]), /has no kept model/);
});

test('SIGTERM after an epoch stops as gracefully: exit 143, the epochs done recorded, the kept model saved', async () => {
  const out = path.join(work, 'stopped-late');
  const { child, out: text } = await startUntil(train(out, '--epochs', '50'), /^epoch 1\/50: /m);
  child.kill('SIGTERM');
  assert.equal(await exitOf(child), 143, text());
  assert.match(text(), /stopped after \d+ of 50 epoch\(s\); run saved/);
  const { config } = RunFolder.open(out);
  assert.equal(config.interrupted, true);
  assert.ok(config.epochsCompleted! >= 1 && config.epochsCompleted! < 50);
  assert.ok(fs.existsSync(path.join(out, 'model', 'model.json')));
  assert.ok(fs.readdirSync(out).some((f) => f.endsWith('.csv') && f.includes('_test_')));
});

test('a diverging training (--lr 1e308) stops with the epoch and batch, and saves nothing', () => {
  const out = path.join(work, 'nan');
  const r = medcnn(train(out, '--lr', '1e308'));
  assertUserError(
    r,
    /Training diverged: the loss became (NaN|Infinity|-Infinity) in epoch 1, batch \d+ of \d+\. Lower the learning rate/,
  );
  assert.ok(!fs.existsSync(out), 'no run folder');
  assert.deepEqual(
    fs.readdirSync(work).filter((f) => f.includes('nan')),
    [],
  );
});

test('nonsense numbers are refused with the reason before any work', () => {
  assertUserError(
    medcnn(train(path.join(work, 'x'), '--threads', '999')),
    /--threads 999 is more than this machine's \d+ core/,
  );
  assertUserError(medcnn(train(path.join(work, 'x'), '--epochs', '1e9')), /--epochs must be at most 10000/);
  assertUserError(medcnn(train(path.join(work, 'x'), '--seed', '1e30')), /--seed must be at most 4294967295/);
  assert.ok(!fs.existsSync(path.join(work, 'x')));
});

test('a data file whose images are not the size its name says is a clear error, and leaves nothing', () => {
  const bad = tempDir();
  const [tr, va, te] = pneumonia();
  const grow = (s: typeof tr) => {
    const n = 20;
    const images = new Uint8Array(n * 32 * 32);
    return { ...s, count: n, height: 32, width: 32, images, labels: s.labels.subarray(0, n) };
  };
  writeMedmnistNpz(path.join(bad, 'pneumoniamnist.npz'), [grow(tr), grow(va), grow(te)]);
  const out = path.join(work, 'wrong-size');
  assertUserError(
    medcnn(['train', '--root', bad, '--out', out]),
    /holds 32×32 train images, but pneumoniamnist at size 28 must hold 28×28/,
  );
  assert.ok(!fs.existsSync(out));
});

test('a damaged config.json is a clear error for every command that reads the run', () => {
  const run = path.join(work, 'damaged');
  fs.mkdirSync(run);
  const png = path.join(work, 'img.png');
  const canvas = createCanvas(28, 28);
  canvas.getContext('2d').fillRect(4, 4, 20, 20);
  fs.writeFileSync(png, canvas.toBuffer('image/png'));
  for (const [text, why] of [
    ['null', /is damaged: it is not a JSON object/],
    ['{"medcnnVersion":"0.1.0","inputShape":[28,"x",1]}', /inputShape must be \[height, width, channels\]/],
    ['{"format":99}', /run-folder format 99, written by a newer medcnn/],
  ] as const) {
    fs.writeFileSync(path.join(run, 'config.json'), text);
    for (const cmd of [
      ['predict', run, png],
      ['explain', run, png],
      ['evaluate', run],
    ])
      assertUserError(medcnn(cmd), why);
  }
});

test('--lang takes JA as ja', () => {
  const r = medcnn(['models', '--lang', 'JA']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /事前学習済みバックボーン/);
});

test('--pretrained at a classifier (not a backbone) and a split with no images are clear errors', async () => {
  await initEngine({ backend: 'cpu' });
  const classifier = path.join(tempDir(), 'classifier');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, classifier);
  model.dispose();
  assertUserError(
    medcnn(train(path.join(work, 'tr'), '--pretrained', classifier)),
    /is not a backbone: it maps \[batch, 28, 28, 1\] to \[batch, 2\]/,
  );
  const empty = tempDir();
  const [tr, va, te] = pneumonia();
  writeMedmnistNpz(path.join(empty, 'pneumoniamnist.npz'), [
    { ...tr, count: 0, images: new Uint8Array(0), labels: new Uint8Array(0) },
    va,
    te,
  ]);
  assertUserError(
    medcnn(['train', '--root', empty, '--out', path.join(work, 'empty')]),
    /has no images in its train split/,
  );
  assert.ok(!fs.existsSync(path.join(work, 'tr')) && !fs.existsSync(path.join(work, 'empty')));
});

test('serve shows the test images of a run trained with --root, without MEDMNIST_ROOT (the run records its data root)', async () => {
  const out = path.join(work, 'served');
  assert.equal(medcnn(train(out)).code, 0);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tempDir(), MEDCNN_BACKEND: 'wasm' };
  delete env.MEDMNIST_ROOT;
  const child = spawn(process.execPath, [CLI, 'serve', out, '--port', '0'], { env });
  try {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    const deadline = Date.now() + 60_000;
    while (!/serving on (http:\/\/127\.0\.0\.1:\d+\/)/.test(text)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `serve did not start: ${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)![1];
    const { samples, reason } = (await (await fetch(`${url}api/samples.json`)).json()) as {
      samples: unknown[];
      reason?: string;
    };
    assert.ok(samples.length > 0, `no test images: ${reason}`);
  } finally {
    child.kill('SIGTERM');
  }
});
