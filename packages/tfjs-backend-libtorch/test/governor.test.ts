/**
 * The thread governor (native/governor.cc): a process running ops on two threads goes down to one while busy
 * processes take every core, and back to two once they end; with MEDCNN_FIXED_THREADS=1 it keeps two.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

interface State {
  target: number;
  current: number;
  reductions: number;
  fixed: boolean;
}

const child = path.join(import.meta.dirname, '../testing/governor-child.js');
const twoCores = availableParallelism() >= 2 ? false : 'needs two cores or more';

/** Starts the child on two threads; `next(pred)` waits (at most `ms`) for a state that satisfies pred. */
function start(env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(process.execPath, [child, '2'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const states: State[] = [];
  const waiting: { pred: (s: State) => boolean; resolve: (s: State) => void }[] = [];
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    const s = JSON.parse(line) as State;
    states.push(s);
    for (const w of waiting.splice(0)) {
      if (w.pred(s)) w.resolve(s);
      else waiting.push(w);
    }
  });
  const next = (pred: (s: State) => boolean, ms: number, what: string): Promise<State> =>
    new Promise((resolve, reject) => {
      const found = states.find(pred);
      if (found) return resolve(found);
      const timer = setTimeout(
        () => reject(new Error(`${what}: not within ${ms} ms; states ${JSON.stringify(states)}`)),
        ms,
      );
      waiting.push({
        pred,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.on('exit', () => resolve());
      proc.stdin!.end();
    });
  return { proc, states, next, stop };
}

/** One busy process per core, for `ms` at most. */
function hogs(ms: number): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], { stdio: 'ignore' }),
  );
}

const ended = (procs: ChildProcess[]) =>
  Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.on('exit', r)))));

describe('thread governor', { skip: twoCores }, () => {
  it('goes down to one thread while busy processes take the cores, and back to two when they end', async () => {
    const run = start();
    try {
      await run.next((s) => s.target === 2 && s.current === 2, 20_000, 'two threads at the start');
      const busy = hogs(6_000);
      await run.next((s) => s.current === 1, 5_000, 'one thread while the cores are busy');
      for (const p of busy) p.kill();
      await ended(busy);
      const back = await run.next((s) => s.current === 2 && s.reductions >= 1, 5_000, 'two threads again');
      assert.equal(back.target, 2);
    } finally {
      await run.stop();
    }
  });

  it('MEDCNN_FIXED_THREADS=1 keeps the count asked for', async () => {
    const run = start({ MEDCNN_FIXED_THREADS: '1' });
    try {
      await run.next((s) => s.current === 2 && s.fixed, 20_000, 'two fixed threads at the start');
      const busy = hogs(2_000);
      await ended(busy);
      assert.ok(
        run.states.every((s) => s.current === 2 && s.reductions === 0),
        JSON.stringify(run.states),
      );
    } finally {
      await run.stop();
    }
  });
});
