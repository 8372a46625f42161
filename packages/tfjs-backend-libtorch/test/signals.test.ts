/**
 * Signals during matrix products (native/signals.cc): on AVX-512 machines a signal delivered to a thread inside
 * oneDNN's AVX-512 sgemm corrupted memory (Ctrl-C, a terminal resize or a child's exit during training crashed the
 * process within seconds of such signals). A child process multiplies matrices while this test sends it thousands
 * of signals; on a machine without AVX-512 it passes either way, so the workers' signal masks are checked too.
 */
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { cpuOnlySkip } from '../testing/helpers.js';

const index = pathToFileURL(path.resolve(import.meta.dirname, '../src/index.js')).href;
const native = pathToFileURL(path.resolve(import.meta.dirname, '../src/native.js')).href;

// The child: starts the backend, reports whether OpenMP's workers block SIGINT, then multiplies for a few seconds
// (yielding now and then so that its signal handlers run) and says how many signals it saw.
const child = `
import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend } from ${JSON.stringify(index)};
import { loadAddon } from ${JSON.stringify(native)};
registerLibtorchBackend({ threads: 2 });
await tf.setBackend('libtorch');
// Before any op: the workers are started blocking signals when the thread count is set, not by the first
// parallel region, which may be a convolution's.
const atStart = loadAddon().addon.workerSignalMasks();
let seen = 0;
for (const sig of ['SIGINT', 'SIGWINCH', 'SIGHUP']) process.on(sig, () => seen++);
const a = tf.randomNormal([64, 400]), b = tf.randomNormal([400, 120]);
tf.matMul(a, b).dispose();
const masks = loadAddon().addon.workerSignalMasks();
console.log(JSON.stringify({ ready: true, atStart, masks }));
const end = Date.now() + 6000;
let sum = 0;
while (Date.now() < end) {
  for (let i = 0; i < 50; i++) sum += tf.tidy(() => tf.sum(tf.matMul(a, b)).dataSync()[0]);
  await new Promise((r) => setImmediate(r));
}
console.log(JSON.stringify({ done: Number.isFinite(sum), seen }));
// The storm stops when this line arrives; a signal during the process's exit, its handlers gone, would end it.
await new Promise((r) => setTimeout(r, 500));
`;

describe('signals', { skip: cpuOnlySkip }, () => {
  it('a storm of signals during matrix products: no crash; OpenMP workers never take one', async () => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', child], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let storm: NodeJS.Timeout | undefined;
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"done"')) clearInterval(storm);
      else if (!storm && out.includes('"ready"'))
        storm = setInterval(() => {
          for (let i = 0; i < 20; i++)
            for (const sig of ['SIGINT', 'SIGWINCH', 'SIGHUP', 'SIGCHLD'] as const) {
              try {
                p.kill(sig);
              } catch {
                // the child has ended
              }
            }
        }, 1);
    });
    const code = await new Promise<number | NodeJS.Signals | null>((resolve) =>
      p.on('exit', (c, s) => resolve(c ?? s)),
    );
    clearInterval(storm);
    assert.equal(code, 0, `the child ended with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`);
    const [ready, done] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(ready.atStart, { workers: 1, blocking: 1 }, 'the worker blocks signals before any op ran');
    assert.equal(ready.masks.workers, 1, 'two threads: one OpenMP worker beside the calling thread');
    assert.equal(ready.masks.blocking, ready.masks.workers, 'every OpenMP worker blocks signals');
    assert.equal(done.done, true);
    assert.ok(done.seen > 100, `the child saw the storm (${done.seen} signals)`);
  });
});
