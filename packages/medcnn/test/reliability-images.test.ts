import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { before, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { readImageFile } from '../src/data/image-file.js';
import { imageDataProblem } from '../src/data/pixels.js';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { createModel } from '../src/models/index.js';
import { saveModel } from '../src/models/io.js';
import { writeConfigFile as writeRunConfig } from '../src/runfolder/files.js';
import { pneumonia, tempDir, pneumoniaRunConfig } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

function medcnn(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCNN_BACKEND: 'wasm' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let work = '';
let run = '';
let png: Buffer;
let jpeg: Buffer;
const file = (name: string, bytes: Uint8Array): string => {
  const f = path.join(work, name);
  fs.writeFileSync(f, bytes);
  return f;
};

/** A PNG's chunks rewritten: `edit` gets each chunk's type and data and returns the data to keep (null drops it). */
function rewritePng(bytes: Buffer, edit: (type: string, data: Buffer) => Buffer | null): Buffer {
  const out = [bytes.subarray(0, 8)];
  for (let o = 8; o < bytes.length; o += 12 + bytes.readUInt32BE(o)) {
    const type = bytes.toString('latin1', o + 4, o + 8);
    const data = edit(type, bytes.subarray(o + 8, o + 8 + bytes.readUInt32BE(o)));
    if (!data) continue;
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])));
    out.push(head, data, crc);
  }
  return Buffer.concat(out);
}

before(async () => {
  await initEngine({ backend: 'wasm' });
  work = tempDir();
  // A real PneumoniaMNIST test X-ray, scaled to 224×224 as a user's file would be, saved as PNG and JPEG.
  const [, , testSplit] = pneumonia();
  const small = createCanvas(28, 28);
  const img = small.getContext('2d').createImageData(28, 28);
  for (let p = 0; p < 784; p++)
    img.data.set([testSplit.images[p], testSplit.images[p], testSplit.images[p], 255], p * 4);
  small.getContext('2d').putImageData(img, 0, 0);
  const big = createCanvas(224, 224);
  big.getContext('2d').drawImage(small, 0, 0, 224, 224);
  png = big.toBuffer('image/png');
  jpeg = big.toBuffer('image/jpeg', 92);

  run = path.join(work, 'run');
  fs.mkdirSync(run);
  const _info = getDatasetInfo('pneumoniamnist');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, path.join(run, 'model'));
  model.dispose();
  writeRunConfig(run, pneumoniaRunConfig());
});

test('whole PNG and JPEG X-rays are read; their structure checks pass', async () => {
  assert.equal(imageDataProblem(png), null);
  assert.equal(imageDataProblem(jpeg), null);
  assert.equal((await readImageFile(file('whole.png', png), 28, 28, 1)).length, 784);
  assert.equal((await readImageFile(file('whole.jpg', jpeg), 28, 28, 1)).length, 784);
  const r = medcnn(['predict', run, path.join(work, 'whole.png'), path.join(work, 'whole.jpg')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /whole\.png: /);
});

test('truncated and damaged images are refused, naming the file, instead of being classified', async () => {
  const half = <T extends Buffer>(b: T) => b.subarray(0, b.length >> 1);
  // The zlib stream re-packed with the last 20 rows missing: chunks, CRCs and IEND are all in order.
  const idat: Buffer[] = [];
  rewritePng(png, (type, data) => {
    if (type === 'IDAT') idat.push(data);
    return data;
  });
  const rows = zlib.inflateSync(Buffer.concat(idat));
  let first = true;
  const shortRows = rewritePng(png, (type, data) => {
    if (type !== 'IDAT') return data;
    if (!first) return null;
    first = false;
    return zlib.deflateSync(rows.subarray(0, (rows.length / 224) * 204));
  });
  first = true;
  const longRows = rewritePng(png, (type, data) => {
    if (type !== 'IDAT') return data;
    if (!first) return null;
    first = false;
    return zlib.deflateSync(Buffer.concat([rows, rows.subarray(0, (rows.length / 224) * 20)]));
  });
  const flipped = Buffer.from(png);
  flipped[png.length >> 1] ^= 0x20;
  const zeroed = Buffer.from(jpeg);
  zeroed.fill(0, jpeg.length >> 1, (jpeg.length >> 1) + 64);
  const cases: [string, Buffer, RegExp][] = [
    ['half.png', half(png), /IDAT chunk is cut short; the file is truncated/],
    ['no-iend.png', png.subarray(0, png.length - 12), /no IEND chunk at its end; the file is truncated/],
    ['crc.png', flipped, /fails its checksum \(CRC\); the file is damaged/],
    ['short-rows.png', shortRows, /pixel rows where its 224×224 header needs .*truncated or damaged/],
    ['long-rows.png', longRows, /more image data than its header declares; the file is damaged/],
    // JPEGs: in libjpeg's words too where jpeg-native decodes them.
    ['half.jpg', half(jpeg), /image data end before all of the image( \(libjpeg: [^)]+\))?; the file is truncated/],
    [
      'no-eoi.jpg',
      jpeg.subarray(0, jpeg.length - 2),
      /ends before its end-of-image marker( \(libjpeg: [^)]+\))?; the file is truncated/,
    ],
    [
      'half-then-eoi.jpg',
      Buffer.concat([half(jpeg), Buffer.from([0xff, 0xd9])]),
      /image data end before all of the image( \(libjpeg: [^)]+\))?; the file is truncated/,
    ],
    ['zeroed.jpg', zeroed, /the file is damaged/],
  ];
  for (const [name, bytes, why] of cases) {
    const f = file(name, bytes);
    await assert.rejects(
      readImageFile(f, 28, 28, 1),
      (e: Error) => e instanceof MedcnnError && e.message.startsWith(`${f} cannot be used: `) && why.test(e.message),
      name,
    );
    const r = medcnn(['predict', run, f]);
    assert.equal(r.code, 1, `${name}: exit ${r.code}, stdout ${r.out}`);
    assert.match(r.err, new RegExp(`^medcnn: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be used: `, 'm'));
    assert.match(r.err, why, name);
    assert.equal(r.out, '', `${name}: no prediction printed`);
  }
  // explain and anatomy read images the same way.
  for (const command of ['explain', 'anatomy']) {
    const r = medcnn([command, run, path.join(work, 'half.png'), '--out', path.join(work, command)]);
    assert.equal(r.code, 1, `${command}: ${r.err}`);
    assert.match(r.err, /half\.png cannot be used: its IDAT chunk is cut short; the file is truncated/);
    assert.ok(!fs.existsSync(path.join(work, command)) || fs.readdirSync(path.join(work, command)).length === 0);
  }
});
