import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MedcnnError } from '../src/errors.js';
import { encodeNpy, parseNpy } from '../src/data/npy.js';
import { loadDataset, readSplits } from '../src/data/load.js';
import { getDatasetInfo, listDatasets } from '../src/data/registry.js';
import { checkSize, resolveDataRoot } from '../src/data/root.js';
import { PNEUMONIA_FILE, pneumonia, tempDir, writeZip, writeMedmnistNpz, head } from './helpers.js';

test('the registry knows all 12 MedMNIST 2D datasets with the package facts', () => {
  const flags = listDatasets().map((d) => d.flag);
  assert.deepEqual(flags, [
    'pathmnist',
    'chestmnist',
    'dermamnist',
    'octmnist',
    'pneumoniamnist',
    'retinamnist',
    'breastmnist',
    'bloodmnist',
    'tissuemnist',
    'organamnist',
    'organcmnist',
    'organsmnist',
  ]);
  const p = getDatasetInfo('PneumoniaMNIST');
  assert.equal(p.task, 'binary-class');
  assert.deepEqual(p.samples, { train: 4708, val: 524, test: 624 });
  assert.equal(p.files[28].md5, '28209eda62fecd6e6a2d98b1501bb15f');
  assert.equal(p.files[64].fileName, 'pneumoniamnist_64.npz');
  assert.equal(getDatasetInfo('chestmnist').labels.length, 14);
  assert.equal(getDatasetInfo('retinamnist').task, 'ordinal-regression');
  for (const d of listDatasets()) {
    for (const s of [28, 64, 128, 224] as const) assert.match(d.files[s].md5, /^[0-9a-f]{32}$/, `${d.flag} ${s}`);
  }
  assert.throws(
    () => getDatasetInfo('pneumonia'),
    (e: Error) => e instanceof MedcnnError && /Unknown dataset 'pneumonia'.*pneumoniamnist/.test(e.message),
  );
});

test('the shared PneumoniaMNIST file matches the MD5 the registry lists', () => {
  const md5 = crypto.createHash('md5').update(fs.readFileSync(PNEUMONIA_FILE)).digest('hex');
  assert.equal(md5, getDatasetInfo('pneumoniamnist').files[28].md5);
});

test('reads the official PneumoniaMNIST npz: shapes and class counts', () => {
  const [train, val, test] = pneumonia();
  assert.deepEqual([train.count, train.height, train.width, train.channels], [4708, 28, 28, 1]);
  assert.equal(train.images.length, 4708 * 28 * 28);
  const count = (s: typeof train) => [0, 1].map((c) => s.labels.filter((v) => v === c).length);
  assert.deepEqual(count(train), [1214, 3494]);
  assert.deepEqual(count(val), [135, 389]);
  assert.deepEqual(count(test), [234, 390]);
});

test('data root: --root beats MEDMNIST_ROOT beats ~/.medmnist', () => {
  const saved = process.env.MEDMNIST_ROOT;
  try {
    process.env.MEDMNIST_ROOT = '/data/env';
    assert.equal(resolveDataRoot('/data/flag'), '/data/flag');
    assert.equal(resolveDataRoot(), '/data/env');
    delete process.env.MEDMNIST_ROOT;
    assert.equal(resolveDataRoot(), path.join(os.homedir(), '.medmnist'));
  } finally {
    if (saved === undefined) delete process.env.MEDMNIST_ROOT;
    else process.env.MEDMNIST_ROOT = saved;
  }
  assert.throws(() => checkSize(32), /28, 64, 128, 224/);
});

test('npy versions 1, 2 and 3 all parse', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const v1 = encodeNpy([2, 3], data);
  assert.deepEqual(parseNpy(v1, 'v1'), { shape: [2, 3], data });
  for (const major of [2, 3]) {
    const header = new TextEncoder().encode(
      `${"{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }".padEnd(116)}\n`,
    );
    const bytes = new Uint8Array(12 + header.length + data.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
    new DataView(bytes.buffer).setUint32(8, header.length, true);
    bytes.set(header, 12);
    bytes.set(data, 12 + header.length);
    const arr = parseNpy(bytes, `v${major}`);
    assert.deepEqual(arr.shape, [2, 3]);
    assert.deepEqual([...arr.data], [...data]);
  }
});

test('stored and deflated npz files read the same', () => {
  const dir = tempDir();
  const [, , test] = pneumonia();
  const small = head(test, 20);
  for (const compress of [false, true]) {
    const file = path.join(dir, `t${compress}.npz`);
    writeMedmnistNpz(file, [small], compress);
    const [s] = readSplits(file, ['test']);
    assert.deepEqual([...s.images], [...small.images]);
    assert.deepEqual([...s.labels], [...small.labels]);
  }
});

function expectError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof MedcnnError, `expected MedcnnError, got ${e}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test('a truncated npz is a clear error naming the file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'pneumoniamnist.npz');
  const bytes = fs.readFileSync(PNEUMONIA_FILE);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
  expectError(() => readSplits(file, ['train']), /pneumoniamnist\.npz/, /truncated|not a valid npz/);
  fs.writeFileSync(file, bytes.subarray(0, 10));
  expectError(() => readSplits(file, ['train']), /pneumoniamnist\.npz/);
});

test('a corrupt member fails its CRC check', () => {
  const dir = tempDir();
  const file = path.join(dir, 'c.npz');
  const [, , t] = pneumonia();
  writeMedmnistNpz(file, [head(t, 10)], false);
  const bytes = fs.readFileSync(file);
  bytes[200] ^= 0xff; // inside the first image array
  fs.writeFileSync(file, bytes);
  expectError(() => readSplits(file, ['test']), /c\.npz is corrupt/, /CRC-32/);
});

test('wrong dtype and wrong keys are clear errors', () => {
  const dir = tempDir();
  const f32 = path.join(dir, 'f32.npz');
  writeZip(
    f32,
    {
      'test_images.npy': encodeNpy([1, 2, 2], new Uint8Array(16), '<f4'),
      'test_labels.npy': encodeNpy([1, 1], new Uint8Array(1)),
    },
    true,
  );
  expectError(() => readSplits(f32, ['test']), /f32\.npz/, /dtype is '<f4'/, /uint8/);
  const keys = path.join(dir, 'keys.npz');
  writeZip(keys, { 'x.npy': encodeNpy([1], new Uint8Array(1)) }, true);
  expectError(() => readSplits(keys, ['train']), /keys\.npz has no 'train_images'/, /it has: x/);
  const notZip = path.join(dir, 'text.npz');
  fs.writeFileSync(notZip, 'hello, this is not a zip file at all'.repeat(3));
  expectError(() => readSplits(notZip, ['train']), /not a valid npz/);
});

test('labels out of range or mismatched counts are refused', () => {
  const dir = tempDir();
  const file = path.join(dir, 'pneumoniamnist.npz');
  writeZip(
    file,
    {
      'train_images.npy': encodeNpy([2, 2, 2], new Uint8Array(8)),
      'train_labels.npy': encodeNpy([2, 1], Uint8Array.from([0, 7])),
    },
    false,
  );
  expectError(() => loadDataset(getDatasetInfo('pneumoniamnist'), 28, dir, ['train']), /label value 7 is out of range/);
});

test('a missing dataset file says how to get it', () => {
  const dir = tempDir();
  expectError(
    () => loadDataset(getDatasetInfo('breastmnist'), 28, dir, ['train']),
    /breastmnist\.npz is missing/,
    /medcnn download breastmnist/,
    /zenodo/,
  );
});
