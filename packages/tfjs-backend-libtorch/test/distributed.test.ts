/**
 * c10d collectives between two real processes on 127.0.0.1 (testing/distributed-worker.ts), checked against
 * sums worked out by hand; errors (mismatched calls, a peer that exits, a peer that stalls) within the timeout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { cpuOnlySkip } from '../testing/helpers.js';
import { distributedUnavailableReason, groupAddressFromEnv, ProcessGroup } from '../src/index.js';
import { loadAddon } from '../src/native.js';

const worker = fileURLToPath(new URL('../testing/distributed-worker.js', import.meta.url));

/** A port nobody listens on now (the OS's pick). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface RankResult {
  code: number | null;
  out: Record<string, unknown> | null;
  stderr: string;
  ms: number;
}

/** Runs `scenario` on 2 ranks; kills whatever still runs after `limitMs`. */
async function runRanks(scenario: string, timeoutMs = 20000, limitMs = 60000): Promise<RankResult[]> {
  const port = await freePort();
  const start = Date.now();
  return Promise.all(
    [0, 1].map(
      (rank) =>
        new Promise<RankResult>((resolve) => {
          const child = spawn(process.execPath, [worker, scenario], {
            env: {
              ...process.env,
              MASTER_ADDR: '127.0.0.1',
              MASTER_PORT: String(port),
              WORLD_SIZE: '2',
              RANK: String(rank),
              TEST_TIMEOUT_MS: String(timeoutMs),
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
          child.on('close', (code) => {
            clearTimeout(timer);
            const line = stdout.split('\n').find((l) => l.startsWith('{'));
            resolve({ code, out: line ? JSON.parse(line) : null, stderr, ms: Date.now() - start });
          });
        }),
    ),
  );
}

const unavailable = cpuOnlySkip || distributedUnavailableReason() || false;

describe('distributed collectives (c10d, Gloo)', { skip: unavailable }, () => {
  it('reduces and broadcasts float32 and int32 tensors of several shapes to the sums worked out by hand', async () => {
    const ranks = await runRanks('sums');
    for (const r of ranks) assert.equal(r.code, 0, r.stderr);
    // Element i: rank 0 has (i + 1) (float32) or i (int32); rank 1 has 2 (i + 1) or 10 + i.
    const f = (n: number, g: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => g(i));
    const sizes = [12, 5, 1, 24, 0, 70000, 4];
    const isInt = [false, true, false, false, false, false, true];
    const sum = sizes.map((n, k) => (isInt[k] ? f(n, (i) => i + (10 + i)) : f(n, (i) => 3 * (i + 1))));
    const avg = sizes.filter((_, k) => !isInt[k]).map((n) => f(n, (i) => 1.5 * (i + 1)));
    const max = sizes.map((n, k) => (isInt[k] ? f(n, (i) => 10 + i) : f(n, (i) => 2 * (i + 1))));
    const rank1 = sizes.map((n, k) => (isInt[k] ? f(n, (i) => 10 + i) : f(n, (i) => 2 * (i + 1))));
    // The transposed [3, 2] view of rank 1's [2, 3] tensor 2 * (i + 1), read row-major.
    const transposed = [2, 8, 4, 10, 6, 12];
    for (const r of ranks) {
      const out = r.out as Record<string, number[][]>;
      assert.deepEqual(out.sum, sum);
      assert.deepEqual(out.avg, avg);
      assert.deepEqual(out.max, max);
      assert.deepEqual(out.broadcast, [...rank1, [1, 0, 1], transposed]);
    }
  });

  it('makes many calls without leaking tensors or memory', async () => {
    const ranks = await runRanks('leak');
    for (const r of ranks) {
      assert.equal(r.code, 0, r.stderr);
      const { before, after } = r.out as {
        before: { tensors: number; rss: number };
        after: { tensors: number; rss: number };
      };
      assert.equal(after.tensors, before.tensors, 'the native table holds as many tensors after 850 calls');
      const grownMb = (after.rss - before.rss) / 2 ** 20;
      assert.ok(grownMb < 16, `RSS grew ${grownMb.toFixed(1)} MB over 850 calls`);
    }
  });

  it('rejects calls whose shapes, dtypes or kinds differ between ranks, on every rank, and stays usable', async () => {
    const ranks = await runRanks('mismatch');
    for (const r of ranks) {
      assert.equal(r.code, 0, r.stderr);
      const out = r.out as Record<string, string | number[]>;
      for (const k of ['shape', 'dtype', 'kind'])
        assert.match(
          String(out[k]),
          /failed: the ranks called it with different tensors/,
          `${k} on rank ${r.out?.rank}`,
        );
      assert.deepEqual(out.after, [3, 6]);
    }
  });

  it('fails, naming the rank, soon after a peer exits, and refuses further calls', async () => {
    const [r0, r1] = await runRanks('peer-exit', 15000);
    assert.equal(r1.code, 0);
    assert.equal(r0.code, 0, r0.stderr);
    const out = r0.out as { error: string | null; again: string | null; ms: number };
    assert.match(String(out.error), /^allreduce on rank 0 of 2 failed: /);
    assert.match(String(out.again), /the process group failed earlier/);
    assert.ok(out.ms < 15000, `failed after ${out.ms} ms (timeout 15000 ms)`);
  });

  it('fails when the timeout is up if a peer stalls', async () => {
    const [r0] = await runRanks('stall', 2000, 20000);
    assert.equal(r0.code, 0, r0.stderr);
    const out = r0.out as { error: string | null; ms: number };
    assert.match(String(out.error), /^allreduce on rank 0 of 2 failed: /);
    assert.ok(out.ms >= 1500 && out.ms < 10000, `failed after ${out.ms} ms (timeout 2000 ms)`);
  });

  it('refuses collectives before joining, and a rendezvous nobody comes to within the timeout', async () => {
    const loaded = loadAddon();
    assert.ok('addon' in loaded);
    const d = (loaded.addon as unknown as { distributed: { allreduce(ids: number[], r: number, b: number): void } })
      .distributed;
    assert.throws(() => d.allreduce([], 0, 1), /has not joined a process group/);
    const start = Date.now();
    const port = await freePort();
    await assert.rejects(
      ProcessGroup.join({ masterAddr: '127.0.0.1', masterPort: port, worldSize: 2, rank: 1, timeoutMs: 1500 }),
      /joining the process group at 127\.0\.0\.1:\d+ as rank 1 of 2 failed/,
    );
    assert.ok(Date.now() - start < 10000);
  });

  it("reads torchrun's variables, naming a missing or malformed one", () => {
    assert.equal(groupAddressFromEnv({}), null);
    assert.deepEqual(groupAddressFromEnv({ WORLD_SIZE: '2', RANK: '1', MASTER_ADDR: 'h', MASTER_PORT: '29500' }), {
      masterAddr: 'h',
      masterPort: 29500,
      worldSize: 2,
      rank: 1,
    });
    assert.throws(
      () => groupAddressFromEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'h', MASTER_PORT: '1' }),
      /RANK must be/,
    );
    assert.throws(() => groupAddressFromEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_PORT: '1' }), /MASTER_ADDR/);
    assert.throws(() => groupAddressFromEnv({ WORLD_SIZE: 'x' }), /WORLD_SIZE must be/);
  });
});
