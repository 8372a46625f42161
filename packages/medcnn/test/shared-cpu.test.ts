import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

test('training on libtorch while busy processes take every core goes down to one thread, and says so in the log and config.json', {
  skip: availableParallelism() < 2 ? 'needs two cores or more' : false,
}, (t) => {
  const root = smallPneumoniaRoot(1200, 64, 64);
  const out = path.join(tempDir(), 'run');
  // One busy process per core for the whole training (killed after it).
  const hogs = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 120000; while (Date.now() < end);'], { stdio: 'ignore' }),
  );
  let r: ReturnType<typeof medcnn>;
  try {
    r = medcnn(
      [
        'train',
        '--dataset',
        'pneumoniamnist',
        '--root',
        root,
        '--model',
        'simplecnn',
        '--epochs',
        '2',
        '--threads',
        '2',
        '--out',
        out,
        '--no-progress',
      ],
      { MEDCNN_BACKEND: 'libtorch' },
    );
  } finally {
    for (const h of hogs) h.kill();
  }
  if (r.code !== 0 && /libtorch/.test(r.err) && /unavailable|not available/.test(r.err)) {
    t.skip(`libtorch unavailable: ${r.err.trim()}`);
    return;
  }
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /other busy processes share the CPU: 2 threads went down to one/);
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.threads, 2);
  assert.equal(config.sharedCpuFromEpoch, 1);
});
