import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../src/run/launch.js';

const worker = path.join(import.meta.dirname, 'distributed-worker.js');

/** Runs `nproc` bench workers (a lone process when 1) and returns rank 0's JSON line. */
async function runWorkers(nproc: number, args: string[]): Promise<Record<string, number>> {
  const port = await freePort();
  const outs = await Promise.all(
    Array.from(
      { length: nproc },
      (_, rank) =>
        new Promise<string>((resolve, reject) => {
          const env = { ...process.env };
          if (nproc > 1)
            Object.assign(env, {
              MASTER_ADDR: '127.0.0.1',
              MASTER_PORT: String(port),
              WORLD_SIZE: String(nproc),
              RANK: String(rank),
            });
          const child = spawn(process.execPath, [worker, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench worker exited ${code}`))));
        }),
    ),
  );
  const line = outs[0].trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, number>;
}

/**
 * Data-parallel figures on this machine's loopback: training samples/s of 1 process × 2 threads against
 * 2 processes × 1 thread (SimpleCNN and ResNet-18 at 28 px), and the time and bandwidth of one allreduce of
 * ResNet-18's gradient (44.7 MB) between 2 processes. `only: 'allreduce'` measures that row alone.
 */
export async function benchDistributed(opts: {
  npz: string;
  log: (line: string) => void;
  only?: 'allreduce';
}): Promise<void> {
  const { log } = opts;
  if (opts.only !== 'allreduce') {
    log('data-parallel scaling (training samples/s, batch 64 in total, last of the epochs):');
    const models = [
      { what: 'SimpleCNN (4708, 2 epochs)', args: ['simplecnn', '4708', '2'] },
      { what: 'ResNet-18 (28) (640, 2 epochs)', args: ['resnet18', '640', '2'] },
    ];
    for (const m of models) {
      const one = await runWorkers(1, ['train', ...m.args, '2', opts.npz]);
      const two = await runWorkers(2, ['train', ...m.args, '1', opts.npz]);
      log(
        `  ${m.what.padEnd(32)} 1 process × 2 threads ${one.samplesPerSecond.toFixed(0).padStart(6)} · 2 processes × 1 thread ${two.samplesPerSecond.toFixed(0).padStart(6)} · ratio ${(two.samplesPerSecond / one.samplesPerSecond).toFixed(2)}×`,
      );
    }
  }
  const ar = await runWorkers(2, ['allreduce', 'resnet18', '20', '0', '1']);
  const mb = ar.bytes / 1e6;
  log(
    `allreduce of ResNet-18's gradient (${mb.toFixed(1)} MB, float32, 2 processes on loopback, Gloo): ${(ar.seconds * 1000).toFixed(1)} ms per call · ${(mb / ar.seconds / 1000).toFixed(2)} GB/s`,
  );
}
