import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { decodeJpeg, isJpegError, loadProblem, mapFile } from 'jpeg-native';
import sharp from 'sharp';
import { decodeFitted, decodeImage, jpegDecoder } from '../src/data/decode.js';
import { readImageFile } from '../src/data/image-file.js';
import type { SplitData } from '../src/data/load.js';
import { loadOwnData } from '../src/data/own.js';
import { MedcnnError } from '../src/errors.js';
import { pneumonia, tempDir } from './helpers.js';

// jpeg-native is built wherever libjpeg-turbo's headers are (CI installs libjpeg62-turbo-dev); elsewhere medcnn
// falls back to sharp and these tests have nothing to test.
const skip = loadProblem ? `jpeg-native is not built (${loadProblem})` : false;

let work = '';
let xray: Buffer; // 1024×1024 gray, as the bench's files are
let testSplit: SplitData;

/** A PneumoniaMNIST test X-ray enlarged to `size`×`size`, with film grain (gray, 8-bit, raw). */
async function bigXray(i: number, size: number): Promise<Buffer> {
  const big = await sharp(Buffer.from(testSplit.images.subarray(i * 784, (i + 1) * 784)), {
    raw: { width: 28, height: 28, channels: 1 },
  })
    .resize(size, size, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  for (let p = 0; p < big.length; p++) big[p] = Math.max(0, Math.min(255, big[p] + ((p * 7919) % 9) - 4));
  return big;
}

const gray = (raw: Buffer, width: number, height: number) =>
  sharp(raw, { raw: { width, height, channels: 1 } }).toColourspace('b-w');

/** Sharp's (libvips') full decode of a JPEG, as raw samples. */
async function sharpDecode(bytes: Buffer, colour: boolean): Promise<Buffer> {
  return sharp(bytes)
    .toColourspace(colour ? 'srgb' : 'b-w')
    .raw()
    .toBuffer();
}

function largestDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

before(async () => {
  work = tempDir('medcnn-jpeg-');
  [, , testSplit] = pneumonia();
  xray = await gray(await bigXray(0, 1024), 1024, 1024)
    .jpeg({ quality: 90 })
    .toBuffer();
});

test('gray, colour and progressive JPEGs decode as sharp decodes them', { skip }, async () => {
  assert.equal(jpegDecoder, 'libjpeg-turbo');
  const full = await decodeJpeg(xray, 1024, 1024);
  assert.deepEqual([full.width, full.height, full.channels, full.scaleNum], [1024, 1024, 1, 8]);
  const worstGray = largestDifference(full.data, await sharpDecode(xray, false));
  assert.ok(worstGray <= 1, `gray: at most 1 level from sharp's decode (got ${worstGray})`);

  // Colour: a red-to-blue gradient over the X-ray, 4:2:0 chroma as most cameras and exporters write it.
  const base = await bigXray(1, 256);
  const rgb = Buffer.alloc(256 * 256 * 3);
  for (let p = 0; p < 256 * 256; p++) rgb.set([base[p], (base[p] * (p % 256)) >> 8, 255 - base[p]], p * 3);
  const colour = await sharp(rgb, { raw: { width: 256, height: 256, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const c = await decodeJpeg(colour, 256, 256);
  assert.deepEqual([c.width, c.height, c.channels], [256, 256, 3]);
  const worstColour = largestDifference(c.data, await sharpDecode(colour, true));
  assert.ok(worstColour <= 2, `colour: at most 2 levels from sharp's decode (got ${worstColour})`);

  const progressive = await gray(base, 256, 256).jpeg({ quality: 90, progressive: true }).toBuffer();
  assert.ok(progressive.includes(Buffer.from([0xff, 0xc2])), 'sharp wrote a progressive JPEG (SOF2)');
  const p = await decodeJpeg(progressive, 256, 256);
  const worstProgressive = largestDifference(p.data, await sharpDecode(progressive, false));
  assert.ok(worstProgressive <= 1, `progressive: at most 1 level from sharp's decode (got ${worstProgressive})`);
});

test('shrunk while decoded: the smallest scale that still covers the size asked for, close to the full decode averaged', {
  skip,
}, async () => {
  const sizes = async (w: number, h: number) => {
    const d = await decodeJpeg(xray, w, h);
    return [d.width, d.height, d.scaleNum];
  };
  assert.deepEqual(await sizes(224, 224), [256, 256, 2]);
  assert.deepEqual(await sizes(257, 100), [384, 384, 3]);
  assert.deepEqual(await sizes(0, 0), [128, 128, 1]);
  assert.deepEqual(await sizes(5000, 5000), [1024, 1024, 8], 'never larger than the image');
  // The 1/4 decode against the full decode averaged over 4×4 blocks: the same image, to a gray level or so.
  const full = await decodeJpeg(xray, 1024, 1024);
  const quarter = await decodeJpeg(xray, 256, 256);
  let sum = 0;
  let worst = 0;
  for (let y = 0; y < 256; y++)
    for (let x = 0; x < 256; x++) {
      let acc = 0;
      for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) acc += full.data[(y * 4 + dy) * 1024 + x * 4 + dx];
      const d = Math.abs(quarter.data[y * 256 + x] - acc / 16);
      sum += d;
      worst = Math.max(worst, d);
    }
  assert.ok(sum / 65536 < 1.5, `mean difference ${(sum / 65536).toFixed(2)} levels`);
  assert.ok(worst < 24, `largest difference ${worst.toFixed(1)} levels`);
  // decodeFitted takes the shrunk decode: pad to 224 of the X-ray, and of a colour JPEG that is gray (1 channel).
  const fitted = await decodeFitted(xray, { width: 224, height: 224, fit: 'pad' });
  assert.deepEqual([fitted.channels, fitted.pixels.length], [1, 224 * 224]);
});

test('damaged JPEGs are refused with libjpeg’s words, naming the file; a non-JPEG is refused by the addon', {
  skip,
}, async () => {
  // Where the Huffman-coded data start: after the start-of-scan segment.
  const sos = xray.indexOf(Buffer.from([0xff, 0xda]));
  const data = sos + 2 + xray.readUInt16BE(sos + 2);
  const middle = (data + xray.length) >> 1;
  const zeroed = Buffer.from(xray);
  zeroed.fill(0, middle, middle + 64);
  const garbage = Buffer.from(xray);
  for (let i = 0; i < 256; i++) garbage[middle + i] = (i * 73 + 41) & 0x7f; // no 0xFF: no marker made by chance
  const cut = xray.subarray(0, middle);
  const cases: [string, Buffer, RegExp][] = [
    ['cut.jpg', cut, /image data end before all of the image \(libjpeg: .*\); the file is truncated/],
    [
      'cut-then-eoi.jpg',
      Buffer.concat([cut, Buffer.from([0xff, 0xd9])]),
      /image data end before all of the image \(libjpeg: Corrupt JPEG data: premature end of data segment\); the file is truncated/,
    ],
    [
      'no-eoi.jpg',
      xray.subarray(0, xray.length - 2),
      /ends before its end-of-image marker \(libjpeg: Premature end of JPEG file\); the file is truncated/,
    ],
    ['zeroed.jpg', zeroed, /\(libjpeg: Corrupt JPEG data: .*\); the file is (damaged|truncated)/],
    ['garbage.jpg', garbage, /\(libjpeg: Corrupt JPEG data: .*\); the file is (damaged|truncated)/],
    ['header-only.jpg', xray.subarray(0, data), /\(libjpeg: .*\); the file is truncated/],
  ];
  for (const [name, bytes, why] of cases) {
    const f = path.join(work, name);
    fs.writeFileSync(f, bytes);
    await assert.rejects(
      readImageFile(f, 224, 224, 1, { fit: 'pad' }),
      (e: Error) => e instanceof MedcnnError && e.message.startsWith(`${f} cannot be used: `) && why.test(e.message),
      name,
    );
    // Full size (decodeImage, as an enlarged image is read) refuses it the same way.
    await assert.rejects(decodeImage(bytes), why, `${name} at full size`);
  }
  // The addon itself, given a PNG: libjpeg's error, not a crash.
  const png = await gray(await bigXray(2, 64), 64, 64)
    .png()
    .toBuffer();
  await assert.rejects(
    decodeJpeg(png, 64, 64),
    (e: unknown) => isJpegError(e) && e.code === 'JERR_NO_SOI' && /Not a JPEG file/.test(e.message),
  );
  await assert.rejects(decodeJpeg(Buffer.alloc(0), 1, 1), (e: unknown) => isJpegError(e));
});

test('a JPEG folder (decoding threads) gives the pixels predict reads; a truncated JPEG in it is named; 16-bit PNGs still go through sharp', {
  skip,
}, async () => {
  const dir = path.join(work, 'folder');
  const second = await gray(await bigXray(3, 640), 640, 640)
    .jpeg({ quality: 85 })
    .toBuffer();
  for (const c of ['normal', 'pneumonia']) {
    fs.mkdirSync(path.join(dir, c), { recursive: true });
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, c, `${i}.jpg`), i % 2 ? second : xray);
  }
  const prep = { size: 64, fit: 'pad' as const, dicom: {} };
  const opts = { source: dir, prep, onBadFile: 'error' as const, seed: 1, progress: false, log: () => {} };
  process.env.MEDCNN_CACHE = 'off';
  process.env.MEDCNN_DECODE_THREADS = '2';
  const own = await loadOwnData(opts);
  const byFile = new Map<string, Uint8Array>();
  for (const s of [own.train, own.val, own.test]) {
    const rows = own.rows.filter((r) => r.split === s.split);
    rows.forEach((r, n) => byFile.set(r.path, s.images.subarray(n * 64 * 64, (n + 1) * 64 * 64)));
  }
  for (const rel of ['normal/0.jpg', 'pneumonia/1.jpg'])
    assert.deepEqual(byFile.get(rel), await readImageFile(path.join(dir, rel), 64, 64, 1, { fit: 'pad' }), rel);
  fs.writeFileSync(path.join(dir, 'pneumonia', 'cut.jpg'), xray.subarray(0, xray.length >> 1));
  await assert.rejects(
    loadOwnData(opts),
    /pneumonia\/cut\.jpg: its image data end before all of the image \(libjpeg: .*\); the file is truncated/,
  );
  const sixteen = await sharp(
    Uint16Array.from(testSplit.images.subarray(0, 784), (v) => v * 257),
    {
      raw: { width: 28, height: 28, channels: 1 },
    },
  )
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const decoded = await decodeImage(sixteen);
  assert.equal(decoded.raster.maxValue, 65535);
  assert.ok(decoded.raster.data instanceof Uint16Array);
  assert.deepEqual(
    [...(await decodeFitted(sixteen, { width: 28, height: 28, fit: 'pad' })).pixels],
    [...testSplit.images.subarray(0, 784)],
  );
});

test('mapFile: a file’s bytes, copy-on-write (the file keeps its bytes); clear errors for what cannot be mapped', {
  skip,
}, () => {
  const file = path.join(work, 'mapped.bin');
  const bytes = Buffer.from(Array.from({ length: 3 * 4096 + 17 }, (_, i) => (i * 31) % 256));
  fs.writeFileSync(file, bytes);
  const mapped = new Uint8Array(mapFile(file)!);
  assert.deepEqual(Buffer.from(mapped), bytes);
  mapped.fill(7);
  assert.deepEqual(fs.readFileSync(file), bytes, 'writes stay in this process');
  fs.writeFileSync(path.join(work, 'empty.bin'), '');
  assert.equal(mapFile(path.join(work, 'empty.bin'))!.byteLength, 0);
  assert.throws(() => mapFile(path.join(work, 'missing.bin')), /cannot open .*missing\.bin: No such file/);
  assert.throws(() => mapFile(work), /cannot map .*: not a regular file/);
});
