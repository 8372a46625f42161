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

/** Images/s of medcnn (first read, and from the cache) and of Pillow, per round. */
export async function benchImport(
  opts: ImportBenchOptions,
): Promise<{ ours: number[]; cached: number[]; pillow: (number | null)[] }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const n = opts.n ?? 1000;
  const size = opts.size ?? 224;
  const workers = opts.workers ?? 2;
  const dir = await jpegFolder(opts.npz, n);
  const out = { ours: [] as number[], cached: [] as number[], pillow: [] as (number | null)[] };
  const pillow = (): number | null => {
    const r = spawnSync(opts.python, [opts.reference, dir, '--size', String(size), '--workers', String(workers)], {
      encoding: 'utf8',
    });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last).images_per_second as number;
    } catch {
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
      const read = async (): Promise<number> => {
        const start = performance.now();
        const own = await loadOwnData({
          source: dir,
          prep: { size, fit: 'pad', dicom: {} },
          onBadFile: 'error',
          seed: 42,
          progress: false,
          log: () => {},
        });
        const count = own.train.count + own.val.count + own.test.count;
        return count / ((performance.now() - start) / 1000);
      };
      if (r % 2 === 0) out.pillow.push(pillow());
      out.ours.push(await read());
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
