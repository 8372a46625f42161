import { createCanvas } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { encodeNpy } from '../src/data/npy.js';
import { readSplits, type SplitData } from '../src/data/load.js';
import { getDatasetInfo } from '../src/data/registry.js';
import { RUN_FORMAT, type RunConfig } from '../src/runfolder/index.js';

/**
 * The official PneumoniaMNIST file the tests read (MEDMNIST_ROOT, else ../shared/medmnist). npm runs the tests
 * in the package's folder; a relative MEDMNIST_ROOT means the folder npm was run from (INIT_CWD).
 */
export const SHARED_ROOT = process.env.MEDMNIST_ROOT
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.MEDMNIST_ROOT)
  : path.resolve(import.meta.dirname, '../../../../../shared/medmnist');
export const PNEUMONIA_FILE = path.join(SHARED_ROOT, 'pneumoniamnist.npz');

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'medcnn-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a zip archive (stored or deflated members), as numpy's savez / savez_compressed do. */
export function writeZip(file: string, members: Record<string, Uint8Array>, compress: boolean): void {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(members)) {
    const body = compress ? zlib.deflateRawSync(data) : Buffer.from(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(compress ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(compress ? 8 : 0, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, cdBuf, end]));
}

/** Writes splits as a MedMNIST-style npz. */
export function writeMedmnistNpz(file: string, splits: SplitData[], compress = true): void {
  const members: Record<string, Uint8Array> = {};
  for (const s of splits) {
    const imgShape = s.channels === 1 ? [s.count, s.height, s.width] : [s.count, s.height, s.width, 3];
    members[`${s.split}_images.npy`] = encodeNpy(imgShape, s.images);
    members[`${s.split}_labels.npy`] = encodeNpy([s.count, s.labelWidth], s.labels);
  }
  writeZip(file, members, compress);
}

/** The first n samples of a split. */
export function head(s: SplitData, n: number): SplitData {
  const px = s.height * s.width * s.channels;
  return { ...s, count: n, images: s.images.slice(0, n * px), labels: s.labels.slice(0, n * s.labelWidth) };
}

let cached: SplitData[] | null = null;
/** The real PneumoniaMNIST splits, read once per test file. */
export function pneumonia(): SplitData[] {
  cached ??= readSplits(PNEUMONIA_FILE, ['train', 'val', 'test']);
  return cached;
}

/**
 * A small real-data root: the first samples of each PneumoniaMNIST split saved as pneumoniamnist.npz,
 * so end-to-end tests train in seconds on real X-rays.
 */
export function smallPneumoniaRoot(train = 600, val = 150, test = 150): string {
  const dir = tempDir('medcnn-root-');
  const [tr, va, te] = pneumonia();
  writeMedmnistNpz(path.join(dir, 'pneumoniamnist.npz'), [head(tr, train), head(va, val), head(te, test)]);
  return dir;
}

/** The medcnn command as a user runs it (built JavaScript), on the wasm backend unless `env` says otherwise. */
export const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

/** Runs `medcnn ARGS…` to the end: exit code, stdout, stderr. */
export function medcnn(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCNN_BACKEND: 'wasm', ...env },
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A clear user error: exit 1, a 'medcnn:' message matching `pattern`, and no stack trace. */
export function assertUserError(r: ReturnType<typeof medcnn>, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit code; stdout: ${r.out} stderr: ${r.err}`);
  assert.match(r.err, /^medcnn: /m);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

/** The config.json of a PneumoniaMNIST SimpleCNN run, for tests that save a model and write its run folder by hand. */
export function pneumoniaRunConfig(): RunConfig {
  const info = getDatasetInfo('pneumoniamnist');
  return {
    format: RUN_FORMAT,
    medcnnVersion: '0.1.0',
    dataset: 'pneumoniamnist',
    size: 28,
    task: info.task,
    labels: info.labels,
    model: 'simplecnn',
    inputShape: [28, 28, 1],
    numClasses: 2,
    normalization: { mean: 0.5, std: 0.5 },
    seed: 42,
    lang: 'en',
  } as RunConfig;
}

/** Writes image `i` of a 28×28 grayscale split as a PNG, as a user would pass an X-ray to predict or explain. */
export function writeXrayPng(file: string, split: SplitData, i: number): void {
  const canvas = createCanvas(28, 28);
  const g = canvas.getContext('2d');
  const img = g.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = split.images[i * 784 + p];
    img.data.set([v, v, v, 255], p * 4);
  }
  g.putImageData(img, 0, 0);
  fs.writeFileSync(file, canvas.toBuffer('image/png'));
}
