/**
 * `medcnn import` throughput against ../shared/bench/import_reference.py (Pillow, worker processes like a PyTorch
 * DataLoader's): the same folder of 1024×1024 chest-X-ray JPEGs read into 224×224 gray arrays, padded to keep the
 * aspect ratio, by both; then the second read of the same folder, from medcnn's cache.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readSplits } from '../src/data/load.js';
import { loadOwnData } from '../src/data/own.js';
import { makeRng } from '../src/engine/seed.js';

export interface ImportBenchOptions {
  npz: string;
  reference: string;
  python: string;
  n?: number;
  size?: number;
  workers?: number;
  rounds?: number;
  log?: (line: string) => void;
}

/** A folder of `n` gray 1024×1024 JPEGs (PneumoniaMNIST test X-rays enlarged, with film grain), made once. */
export async function jpegFolder(npz: string, n: number): Promise<string> {
  const dir = path.join(os.tmpdir(), `medcnn-bench-jpeg-${n}`);
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const [test] = readSplits(npz, ['test']);
  const rng = makeRng(7);
  for (const c of ['normal', 'pneumonia']) fs.mkdirSync(path.join(dir, c), { recursive: true });
  for (let i = 0; i < n; i++) {
    const k = i % test.count;
    const small = Buffer.from(test.images.subarray(k * 784, (k + 1) * 784));
    const big = await sharp(small, { raw: { width: 28, height: 28, channels: 1 } })
      .resize(1024, 1024, { kernel: 'cubic' })
      .raw()
      .toBuffer();
    for (let p = 0; p < big.length; p++) big[p] = Math.max(0, Math.min(255, big[p] + Math.round((rng() - 0.5) * 8)));
    const file = path.join(dir, test.labels[k] ? 'pneumonia' : 'normal', `${String(i).padStart(5, '0')}.jpg`);
    await sharp(big, { raw: { width: 1024, height: 1024, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality: 90 })
      .toFile(file);
  }
  fs.writeFileSync(done, '');
  return dir;
}

/**
 * CPU seconds (user + system) of this process's children that have ended — with their own children, such as Pillow's
 * worker processes — from Linux's /proc/self/stat; null elsewhere.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / tick; // cutime, cstime
  } catch {
    return null;
  }
}

/** This process's CPU seconds (user + system), all of its threads (the decoding workers and libvips' too). */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Per round: images/s of medcnn (first read, and from the cache) and of Pillow, and each one's CPU ms per image. */
export interface ImportBenchResult {
  ours: number[];
  cached: number[];
  pillow: (number | null)[];
  oursCpuMs: number[];
  pillowCpuMs: (number | null)[];
}

/**
 * Images/s of medcnn (first read, and from the cache) and of Pillow, per round, and the CPU time each spends per
 * image: on a machine shared with other work, wall-clock speed depends on who gets the cores, CPU time much less.
 */
export async function benchImport(opts: ImportBenchOptions): Promise<ImportBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const n = opts.n ?? 1000;
  const size = opts.size ?? 224;
  const workers = opts.workers ?? 2;
  const dir = await jpegFolder(opts.npz, n);
  const out: ImportBenchResult = { ours: [], cached: [], pillow: [], oursCpuMs: [], pillowCpuMs: [] };
  const pillow = (): number | null => {
    const cpu = childrenCpuSeconds();
    const r = spawnSync(opts.python, [opts.reference, dir, '--size', String(size), '--workers', String(workers)], {
      encoding: 'utf8',
    });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    try {
      const rate = JSON.parse(last).images_per_second as number;
      const after = childrenCpuSeconds();
      out.pillowCpuMs.push(cpu === null || after === null ? null : ((after - cpu) * 1000) / n);
      return rate;
    } catch {
      out.pillowCpuMs.push(null);
      log(`Pillow reference unavailable (${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()})`);
      return null;
    }
  };
  const saved = { cache: process.env.MEDCNN_CACHE, threads: process.env.MEDCNN_DECODE_THREADS };
  process.env.MEDCNN_DECODE_THREADS = String(workers);
  try {
    for (let r = 0; r < (opts.rounds ?? 2); r++) {
      const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'medcnn-bench-cache-'));
      process.env.MEDCNN_CACHE = cache;
      const read = async (cpuMs?: number[]): Promise<number> => {
        const start = performance.now();
        const cpu = ownCpuSeconds();
        const own = await loadOwnData({
          source: dir,
          prep: { size, fit: 'pad', dicom: {} },
          onBadFile: 'error',
          seed: 42,
          progress: false,
          log: () => {},
        });
        const count = own.train.count + own.val.count + own.test.count;
        cpuMs?.push(((ownCpuSeconds() - cpu) * 1000) / count);
        return count / ((performance.now() - start) / 1000);
      };
      if (r % 2 === 0) out.pillow.push(pillow());
      out.ours.push(await read(out.oursCpuMs));
      out.cached.push(await read());
      if (r % 2 === 1) out.pillow.push(pillow());
      fs.rmSync(cache, { recursive: true, force: true });
    }
  } finally {
    if (saved.cache === undefined) delete process.env.MEDCNN_CACHE;
    else process.env.MEDCNN_CACHE = saved.cache;
    if (saved.threads === undefined) delete process.env.MEDCNN_DECODE_THREADS;
    else process.env.MEDCNN_DECODE_THREADS = saved.threads;
  }
  return out;
}

/** Per round, how many times less CPU time medcnn spends per image than Pillow (null where Pillow's is unknown). */
export function cpuRatios(r: ImportBenchResult): (number | null)[] {
  return r.oursCpuMs.map((ours, i) => {
    const peer = r.pillowCpuMs[i];
    return peer === null || peer === undefined ? null : peer / ours;
  });
}
