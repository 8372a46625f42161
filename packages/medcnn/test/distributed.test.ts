/**
 * Data-parallel training (`medcnn train --nproc 2`) on 127.0.0.1, 2 workers × 1 thread, on real X-rays:
 * the same weights as one process at the same total batch, a normal run folder, Ctrl-C, a dying worker.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { distributedUnavailable } from '../src/engine/distributed.js';
import { shardOf } from '../src/train/distributed.js';
import { assertUserError, CLI, medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

const unavailable = (await distributedUnavailable())?.message ?? false;
const LIBTORCH = { MEDCNN_BACKEND: 'libtorch' };

/** The float32 weights a run saved (model-last), in the order of its manifest. */
function savedWeights(dir: string): Float32Array {
  const bin = fs.readFileSync(path.join(dir, 'model-last', 'weights.bin'));
  return new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
}

/** Runs the CLI in the background; calls `onOut` with all stdout so far on each chunk. */
function start(args: string[], onOut: (stdout: string, pid: number) => void = () => {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...LIBTORCH } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    onOut(out, child.pid!);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  const done = new Promise<{ code: number | null; out: string; err: string; ms: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err, ms: Date.now() - started })),
  );
  return { child, done };
}

test('each rank takes a disjoint, equal shard of the epoch; the k-th batches of all ranks are one batch of one process', () => {
  const order = Int32Array.from([9, 3, 7, 1, 0, 4, 8, 2, 6, 5]);
  const shards = [0, 1, 2].map((r) => Array.from(shardOf(order, r, 3)));
  // Padded with the order's start to 12 (a multiple of 3), then every third from the rank.
  assert.deepEqual(shards, [
    [9, 1, 8, 5],
    [3, 0, 2, 9],
    [7, 4, 6, 3],
  ]);
  const two = [0, 1].map((r) => Array.from(shardOf(order, r, 2)));
  assert.deepEqual(two, [
    [9, 7, 0, 8, 6],
    [3, 1, 4, 2, 5],
  ]);
  // Batches of 2 per rank = batches of 4 of one process, the same samples.
  assert.deepEqual([...two[0].slice(0, 2), ...two[1].slice(0, 2)].sort(), [...order.slice(0, 4)].sort());
});

describe('medcnn train --nproc 2', { skip: unavailable }, () => {
  let root: string;
  let work: string;
  before(() => {
    // 256 training images: 4 batches of 64 per epoch, with no partial batch and no padding.
    root = smallPneumoniaRoot(256, 64, 64);
    work = tempDir();
  });

  test('2 ranks × 32 end where 1 process × 64 ends, and write a normal run folder that records the world size', () => {
    // LeNet-5 has no BatchNorm: averaged gradients over 2 × 32 images equal the gradient over those 64.
    const common = ['train', '--root', root, '--model', 'lenet5', '--epochs', '2', '--batch-size', '64'];
    const flags = ['--optimizer', 'sgd', '--momentum', '0.9', '--lr', '0.05', '--no-progress'];
    const two = medcnn(
      [...common, ...flags, '--nproc', '2', '--threads', '2', '--out', path.join(work, 'two')],
      LIBTORCH,
    );
    assert.equal(two.code, 0, two.err);
    const one = medcnn([...common, ...flags, '--threads', '1', '--out', path.join(work, 'one')], LIBTORCH);
    assert.equal(one.code, 0, one.err);
    const a = savedWeights(path.join(work, 'two'));
    const b = savedWeights(path.join(work, 'one'));
    assert.equal(a.length, b.length);
    let worst = 0;
    let moved = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
      moved += Number(a[i] !== 0);
    }
    assert.ok(worst < 1e-3, `weights differ by up to ${worst} (relative)`);
    assert.ok(moved > a.length / 2);
    // The training loss (averaged over the ranks) and the validation loss and AUC (sharded, then gathered)
    // are those of the one process.
    const curve = (dir: string): number[][] =>
      fs
        .readFileSync(path.join(work, dir, 'history.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').slice(1, 5).map(Number));
    const [c2, c1] = [curve('two'), curve('one')];
    for (let e = 0; e < 2; e++)
      for (let k = 0; k < 4; k++)
        assert.ok(Math.abs(c2[e][k] - c1[e][k]) < 1e-4, `epoch ${e + 1}: ${c2[e]} vs ${c1[e]}`);

    // The test evaluation (sharded over the ranks, then gathered) is the one process's.
    const testOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(work, dir, 'metrics.json'), 'utf8')).test;
    const [t2, t1] = [testOf('two'), testOf('one')];
    assert.equal(t2.count, 64);
    for (const k of ['acc', 'auc', 'loss'])
      assert.ok(Math.abs(t2[k] - t1[k]) < 1e-4, `test ${k}: ${t2[k]} vs ${t1[k]}`);
    assert.deepEqual(t2.confusion, t1.confusion);

    // A normal run folder, written once (by rank 0), with progress from rank 0 only.
    const dir = path.join(work, 'two');
    for (const f of ['config.json', 'history.csv', 'metrics.json', 'report.html', 'model/model.json', 'samples.png'])
      assert.ok(fs.existsSync(path.join(dir, f)), f);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    assert.equal(config.worldSize, 2);
    assert.equal(config.batchSize, 64);
    assert.match(config.command, /train .*--nproc 2 --threads 2/, 'the command as given to the launcher');
    assert.equal(config.epochsCompleted, 2);
    assert.equal(fs.readFileSync(path.join(dir, 'history.csv'), 'utf8').trim().split('\n').length, 3);
    assert.equal(two.out.match(/^epoch \d\/2:/gm)?.length, 2, two.out);
    assert.match(two.out, /started 2 workers × 1 thread\(s\)/);
    assert.match(two.out, /data-parallel: 2 ranks met at 127\.0\.0\.1:\d+ · 32 samples per rank per batch/);
    assert.equal(two.out.match(/^backend: /gm)?.length, 1, 'rank 1 prints nothing');
    assert.equal(JSON.parse(fs.readFileSync(path.join(work, 'one', 'config.json'), 'utf8')).worldSize, undefined);
  });

  test('a worker that dies ends the job with an error naming its rank, within the timeout, and writes nothing', async () => {
    const out = path.join(work, 'killed');
    let killed = false;
    const job = start(
      [
        'train',
        '--root',
        root,
        '--epochs',
        '50',
        '--nproc',
        '2',
        '--threads',
        '2',
        '--dist-timeout',
        '20',
        '--out',
        out,
        '--no-progress',
      ],
      (stdout) => {
        const pids = stdout.match(/pids (\d+), (\d+)/);
        if (pids && /^epoch 1\/50:/m.test(stdout) && !killed) {
          killed = true;
          process.kill(Number(pids[2]), 'SIGKILL');
        }
      },
    );
    const r = await job.done;
    assert.ok(killed, r.out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /medcnn: The distributed job failed: worker rank 1 was killed by SIGKILL/);
    assert.match(r.err, /Distributed training stopped on rank 0 of 2/);
    assert.ok(r.ms < 60000, `took ${r.ms} ms`);
    assert.ok(!fs.existsSync(out), 'no run folder');
  });

  test('Ctrl-C on the launcher stops every worker at the same batch and rank 0 saves the run', async () => {
    const out = path.join(work, 'interrupted');
    let sent = false;
    const job = start(
      ['train', '--root', root, '--epochs', '50', '--nproc', '2', '--threads', '2', '--out', out, '--no-progress'],
      (stdout, pid) => {
        if (/^epoch 1\/50:/m.test(stdout) && !sent) {
          sent = true;
          process.kill(pid, 'SIGINT');
        }
      },
    );
    const r = await job.done;
    assert.equal(r.code, 130, r.out + r.err);
    assert.match(r.out, /Stopping after this batch/);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.interrupted, true);
    assert.equal(config.worldSize, 2);
    assert.ok(config.epochsCompleted >= 1 && config.epochsCompleted < 50);
    for (const f of ['model/model.json', 'model-last/weights.bin', 'report.html'])
      assert.ok(fs.existsSync(path.join(out, f)), f);
    // SimpleCNN has BatchNorm: rank 0's statistics go to every rank before validation, so the sharded
    // validation of the kept epoch is what one process measures on the saved model.
    const rows = fs
      .readFileSync(path.join(out, 'history.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const kept = rows.reduce((best, r) => (r[4] > best[4] ? r : best));
    const ev = medcnn(['evaluate', out, '--split', 'val', '--threads', '1'], LIBTORCH);
    assert.equal(ev.code, 0, ev.err);
    const val = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).val;
    assert.ok(Math.abs(val.loss - kept[2]) < 1e-4, `val loss ${val.loss} vs ${kept[2]} in training`);
    assert.ok(Math.abs(val.auc - kept[4]) < 1e-6);
  });

  test('--nproc is refused clearly without libtorch, with --seeds, an indivisible batch, --sync-bn; a rank 0 that fails early ends the job at once', () => {
    const base = ['train', '--root', root, '--nproc', '2'];
    assertUserError(medcnn([...base, '--backend', 'wasm']), /--nproc needs the libtorch backend/);
    assertUserError(medcnn([...base, '--seeds', '0-1'], LIBTORCH), /--seeds trains several runs/);
    assertUserError(medcnn([...base, '--sync-bn'], LIBTORCH), /--sync-bn is not available yet/);
    assertUserError(medcnn([...base, '--batch-size', '63'], LIBTORCH), /must be divisible by their number \(2\)/);
    // Rank 0 refuses the folder before the ranks meet; rank 1, waiting for it, is stopped at once (not after
    // the 300 s timeout).
    const aFile = path.join(work, 'a-file');
    fs.writeFileSync(aFile, '');
    const t0 = Date.now();
    const r = medcnn([...base, '--out', path.join(aFile, 'run')], LIBTORCH);
    assertUserError(r, /The distributed job failed: worker rank 0 exited with code 1/);
    assert.match(r.err, /a-file is a file, not a folder/);
    assert.ok(Date.now() - t0 < 12000, `took ${Date.now() - t0} ms (the launcher's grace is 15 s)`);
  });
});
