import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import { distributedUnavailable } from '../engine/distributed.js';
import { MedcnnError } from '../errors.js';
import { type Lang, t } from '../i18n/messages.js';

export interface LaunchOptions {
  /** Worker processes on this machine. */
  nproc: number;
  /** The command line to run in each worker (this process's, without --nproc and --threads). */
  args: string[];
  /** Threads for all workers together (default: the machine's cores); each gets its share, at least one. */
  threads?: number;
  /** How long workers wait for each other; the launcher waits this long (and a little) for survivors to exit. */
  timeoutMs: number;
  backend?: string;
  lang: Lang;
  log?: (line: string) => void;
}

/** A port nobody on this machine listens on now (the OS's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `nproc` copies of this command as the ranks of one data-parallel job on this machine, torchrun-style
 * (MASTER_ADDR=127.0.0.1, a free MASTER_PORT unless set, WORLD_SIZE, RANK), and waits for them. Ctrl-C or
 * SIGTERM goes to every worker once (they stop together after the batch and rank 0 saves the run); a worker
 * that fails ends the job with an error naming its rank, and the others are stopped. Returns the exit code.
 */
export async function launchWorkers(opts: LaunchOptions): Promise<number> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const backend = opts.backend ?? process.env.MEDCNN_BACKEND;
  if (backend === 'wasm' || backend === 'cpu')
    throw new MedcnnError(
      `--nproc needs the libtorch backend (its c10d collectives); the ${backend} backend has none. Choose --backend libtorch (or auto), or train in one process.`,
      `--nproc には libtorch バックエンド（c10d の集団通信）が必要です。${backend} バックエンドにはありません。--backend libtorch（または auto）を選ぶか、1 プロセスで学習してください。`,
    );
  const problem = await distributedUnavailable();
  if (problem) throw problem;
  const total = opts.threads ?? os.availableParallelism();
  const threads = Math.max(1, Math.floor(total / opts.nproc));
  const port = process.env.MASTER_PORT ? Number(process.env.MASTER_PORT) : await freePort();
  const script = process.argv[1];
  const workers: ChildProcess[] = [];
  let failure: { rank: number; how: string } | null = null;
  let signalled: NodeJS.Signals | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  // Survivors of a failure notice it at their next collective (at once when a peer's connection closes) and
  // exit with their own message; one still waiting to meet the others cannot, and is killed after a grace.
  const stopOthers = (): void => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    killTimer ??= setTimeout(
      () => {
        for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      },
      Math.min(opts.timeoutMs, 15000),
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C ends every worker at once.
    if (signalled) for (const w of workers) w.kill('SIGKILL');
    signalled = signal;
    for (const w of workers) if (w.exitCode === null) w.kill(signal);
  };
  const exits = Array.from(
    { length: opts.nproc },
    (_, rank) =>
      new Promise<void>((resolve) => {
        // Each worker in a process group of its own: a terminal's Ctrl-C reaches it once, through the launcher.
        const child = spawn(
          process.execPath,
          [...process.execArgv, script, ...opts.args, '--threads', String(threads)],
          {
            env: {
              ...process.env,
              MASTER_ADDR: '127.0.0.1',
              MASTER_PORT: String(port),
              WORLD_SIZE: String(opts.nproc),
              RANK: String(rank),
              LOCAL_RANK: String(rank),
              MEDCNN_LAUNCHER_PID: String(process.pid),
              MEDCNN_LAUNCH_COMMAND: process.argv.slice(1).join(' '),
            },
            stdio: 'inherit',
            detached: true,
          },
        );
        workers.push(child);
        child.on('exit', (code, signal) => {
          const failed = signal !== null || (code !== 0 && code !== 130 && code !== 143);
          if (failed && !failure && !signalled) {
            failure = { rank, how: signal ? `was killed by ${signal}` : `exited with code ${code}` };
            log(t(opts.lang, 'workerFailed', { rank, how: failure.how }));
            stopOthers();
          }
          resolve();
        });
      }),
  );
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(t(opts.lang, 'workersStarted', { n: opts.nproc, threads, port, pids: workers.map((w) => w.pid).join(', ') }));
  try {
    await Promise.all(exits);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (killTimer) clearTimeout(killTimer);
  }
  const failed = failure as { rank: number; how: string } | null;
  if (failed)
    throw new MedcnnError(
      `The distributed job failed: worker rank ${failed.rank} ${failed.how}; the other workers were stopped (see their messages above).`,
      `分散学習のジョブが失敗しました: ワーカーのランク ${failed.rank} が異常終了しました（${failed.how}）。他のワーカーは停止しました（上のメッセージを見てください）。`,
    );
  const codes = workers.map((w) => w.exitCode ?? 1);
  return signalled ? (signalled === 'SIGTERM' ? 143 : 130) : Math.max(...codes);
}

/** The command line without the launcher's own flags (--nproc, --threads), in either form (--x N, --x=N). */
export function workerArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--nproc' || a === '--threads') i++;
    else if (!a.startsWith('--nproc=') && !a.startsWith('--threads=')) out.push(a);
  }
  return out;
}
