import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { decodeImage } from '../src/data/decode.js';
import { applyWindow } from '../src/data/dicom.js';
import { loadOwnData } from '../src/data/own.js';
import { assertUserError, medcnn, pneumonia, tempDir } from './helpers.js';

/** One DICOM element, explicit VR little endian. */
function element(group: number, el: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  const padded = value.length % 2 ? Buffer.concat([value, Buffer.from(vr === 'UI' ? [0] : [0x20])]) : value;
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}
const str = (s: string) => Buffer.from(s, 'latin1');
const us = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};

interface DicomSpec {
  rows: number;
  columns: number;
  /** Stored values, frame after frame. */
  values: ArrayLike<number>;
  bits: 8 | 16;
  signed?: boolean;
  photometric?: string;
  frames?: number;
  patient?: string;
  window?: [number, number];
  rescale?: [number, number];
  transferSyntax?: string;
}

/** A DICOM Part 10 file (explicit VR little endian unless the spec says another UID), as a modality writes one. */
function writeDicom(file: string, d: DicomSpec): void {
  const ts = d.transferSyntax ?? '1.2.840.10008.1.2.1';
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', str('1.2.840.10008.5.1.4.1.1.7')),
    element(0x0002, 0x0003, 'UI', str(`1.2.826.0.1.3680043.9.7433.${Math.floor(Math.random() * 1e9)}`)),
    element(0x0002, 0x0010, 'UI', str(ts)),
  ]);
  const n = d.values.length;
  const pixels = d.bits === 8 ? Buffer.alloc(n) : Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    if (d.bits === 8) pixels[i] = d.values[i];
    else if (d.signed) pixels.writeInt16LE(d.values[i], i * 2);
    else pixels.writeUInt16LE(d.values[i], i * 2);
  const ds = [
    element(0x0008, 0x0016, 'UI', str('1.2.840.10008.5.1.4.1.1.7')),
    element(0x0008, 0x0060, 'CS', str(d.bits === 16 ? 'CT' : 'DX')),
    element(0x0010, 0x0020, 'LO', str(d.patient ?? 'ANON')),
    element(0x0028, 0x0002, 'US', us(1)),
    element(0x0028, 0x0004, 'CS', str(d.photometric ?? 'MONOCHROME2')),
    ...(d.frames ? [element(0x0028, 0x0008, 'IS', str(String(d.frames)))] : []),
    element(0x0028, 0x0010, 'US', us(d.rows)),
    element(0x0028, 0x0011, 'US', us(d.columns)),
    element(0x0028, 0x0100, 'US', us(d.bits)),
    element(0x0028, 0x0101, 'US', us(d.bits === 16 ? 12 : 8)),
    element(0x0028, 0x0102, 'US', us(d.bits === 16 ? 11 : 7)),
    element(0x0028, 0x0103, 'US', us(d.signed ? 1 : 0)),
    ...(d.window
      ? [
          element(0x0028, 0x1050, 'DS', str(String(d.window[0]))),
          element(0x0028, 0x1051, 'DS', str(String(d.window[1]))),
        ]
      : []),
    ...(d.rescale
      ? [
          element(0x0028, 0x1052, 'DS', str(String(d.rescale[1]))),
          element(0x0028, 0x1053, 'DS', str(String(d.rescale[0]))),
        ]
      : []),
    element(0x7fe0, 0x0010, d.bits === 8 ? 'OB' : 'OW', pixels),
  ];
  const groupLength = element(0x0002, 0x0000, 'UL', Buffer.from(new Uint32Array([meta.length]).buffer));
  fs.writeFileSync(file, Buffer.concat([Buffer.alloc(128), str('DICM'), groupLength, meta, ...ds]));
}

const have = (tool: string) => spawnSync('which', [tool]).status === 0;
const run = (tool: string, args: string[]) => {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool} ${args.join(' ')}: ${r.stderr}`);
};

let work = '';
let xray: Uint8Array; // a real 28×28 X-ray
const readBack = async (file: string, opts = {}) => (await decodeImage(fs.readFileSync(file), opts)).raster;

before(() => {
  work = tempDir('medcnn-dicom-');
  process.env.MEDCNN_CACHE = path.join(work, 'cache');
  xray = pneumonia()[2].images.subarray(0, 784);
  // Window 128/256 maps 8-bit stored values to themselves: what is read back must equal the X-ray.
  writeDicom(path.join(work, 'xray.dcm'), { rows: 28, columns: 28, values: xray, bits: 8, window: [128, 256] });
});

test('uncompressed DICOM (explicit, implicit, big endian, deflate) reads back the pixels exactly', async (t) => {
  assert.deepEqual(Uint8Array.from((await readBack(path.join(work, 'xray.dcm'))).data), xray);
  if (!have('dcmconv')) return t.skip('dcmtk is not installed (apt-get install dcmtk)');
  for (const [flag, name] of [
    ['+ti', 'implicit'],
    ['+tb', 'big-endian'],
    ['+td', 'deflate'],
  ]) {
    const f = path.join(work, `xray-${name}.dcm`);
    run('dcmconv', [flag, path.join(work, 'xray.dcm'), f]);
    assert.deepEqual(Uint8Array.from((await readBack(f)).data), xray, name);
  }
});

test('compressed DICOM from dcmtk and GDCM: RLE, JPEG lossless, JPEG-LS, JPEG 2000 exact; JPEG baseline close', async (t) => {
  if (!have('dcmcjpeg') || !have('gdcmconv'))
    return t.skip('dcmtk and libgdcm-tools are not installed (apt-get install dcmtk libgdcm-tools)');
  const src = path.join(work, 'xray.dcm');
  const cases: [string, string, string[], number][] = [
    ['rle', 'dcmcrle', [src], 0],
    ['jpeg-lossless', 'dcmcjpeg', ['+e1', src], 0],
    ['jpeg-ls', 'dcmcjpls', [src], 0],
    ['j2k', 'gdcmconv', ['--j2k', src], 0],
    ['jpeg-baseline', 'dcmcjpeg', ['+eb', '+q', '95', src], 8],
  ];
  for (const [name, tool, args, tolerance] of cases) {
    const f = path.join(work, `xray-${name}.dcm`);
    run(tool, [...args, f]);
    const got = (await readBack(f)).data;
    let worst = 0;
    for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(Math.round(got[i]) - xray[i]));
    assert.ok(worst <= tolerance, `${name}: differs by up to ${worst}, allowed ${tolerance}`);
    if (tolerance > 0) assert.ok(worst > 0, `${name} really is lossy`);
  }
});

test('JPEG extended (1.2.840.10008.1.2.4.51) from dcmtk: 8- and 12-bit within JPEG rounding; damaged 12-bit refused', async (t) => {
  if (!have('dcmcjpeg')) return t.skip('dcmtk is not installed (apt-get install dcmtk)');
  const eight = path.join(work, 'xray-jpeg-extended.dcm');
  run('dcmcjpeg', ['+ee', '+q', '95', path.join(work, 'xray.dcm'), eight]);
  assert.ok(fs.readFileSync(eight).includes('1.2.840.10008.1.2.4.51'), 'dcmcjpeg wrote JPEG extended');
  const got = (await readBack(eight)).data;
  let worst = 0;
  for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(got[i] - xray[i]));
  assert.ok(worst > 0 && worst <= 8, `8-bit JPEG extended differs by up to ${worst} gray levels (lossy, allowed 8)`);
  // The X-ray on 12 bits (0…4095), stored in 16, compressed by dcmtk as 12-bit JPEG (process 4): decoded by
  // dcmjs-codecs (the libjpeg-turbo codec is 8-bit only), it must come back as the 12-bit source, within JPEG's loss.
  const stored = Array.from(xray, (v, i) => v * 16 + ((i * 7) % 16));
  const src = path.join(work, 'xray12.dcm');
  writeDicom(src, { rows: 28, columns: 28, values: stored, bits: 16, window: [2048, 4096] });
  const twelve = path.join(work, 'xray12-jpeg-extended.dcm');
  run('dcmcjpeg', ['+ee', '+q', '95', src, twelve]);
  const bytes = fs.readFileSync(twelve);
  assert.ok(bytes.includes('1.2.840.10008.1.2.4.51'), 'dcmcjpeg wrote JPEG extended');
  const sof1 = bytes.indexOf(Buffer.from([0xff, 0xc1]));
  assert.ok(sof1 > 0 && bytes[sof1 + 4] === 12, 'the JPEG is 12-bit (SOF1, precision 12)');
  const decoded = await readBack(twelve);
  const expected = applyWindow(Float32Array.from(stored), { center: 2048, width: 4096 });
  let worst12 = 0;
  for (let i = 0; i < 784; i++) worst12 = Math.max(worst12, Math.abs(decoded.data[i] - expected[i]));
  // 1 gray level of the window is 16 stored values: JPEG's rounding on 12 bits stays well within a few levels.
  assert.ok(worst12 > 0 && worst12 <= 4, `12-bit JPEG extended differs by up to ${worst12} gray levels (allowed 4)`);
  // Damaged data: the IJG codec fills them in silently, so medcnn checks the JPEG's Huffman data first.
  const sos = bytes.indexOf(Buffer.from([0xff, 0xda]));
  const eoi = bytes.lastIndexOf(Buffer.from([0xff, 0xd9]));
  const damaged = Buffer.from(bytes);
  damaged.fill(0, (sos + eoi) >> 1, ((sos + eoi) >> 1) + 16);
  const bad = path.join(work, 'xray12-jpeg-damaged.dcm');
  fs.writeFileSync(bad, damaged);
  await assert.rejects(readBack(bad), /JPEG image data: .*the file is (damaged|truncated)/);
});

test('a 16-bit CT image: rescale to HU, the file window or --window, MONOCHROME1 inverted, multi-frame', async () => {
  // Hounsfield units from air to bone, stored in 12 of 16 bits as HU + 1024 (slope 1, intercept −1024); every other
  // pixel has a bit set above the 12 (an overlay), which must be masked away.
  const hu = Float32Array.from({ length: 64 }, (_, i) => -1000 + i * 40);
  const stored = Array.from(hu, (v, i) => (v + 1024) | (i % 2 ? 0x8000 : 0));
  const ct = path.join(work, 'ct.dcm');
  writeDicom(ct, { rows: 8, columns: 8, values: stored, bits: 16, rescale: [1, -1024], window: [40, 400] });
  const expected = applyWindow(hu, { center: 40, width: 400 });
  assert.deepEqual(Float32Array.from((await readBack(ct)).data), expected);
  // The soft-tissue window clips air to black and bone to white.
  assert.equal(expected[0], 0);
  assert.equal(expected[63], 255);
  const lung = await readBack(ct, { window: { center: -600, width: 1500 } });
  assert.deepEqual(Float32Array.from(lung.data), applyWindow(hu, { center: -600, width: 1500 }));
  const mono1 = path.join(work, 'mono1.dcm');
  writeDicom(mono1, { rows: 28, columns: 28, values: xray, bits: 8, window: [128, 256], photometric: 'MONOCHROME1' });
  assert.deepEqual(
    Uint8Array.from((await readBack(mono1)).data),
    Uint8Array.from(xray, (v) => 255 - v),
  );
  const multi = path.join(work, 'multi.dcm');
  const two = new Uint8Array(784 * 2);
  two.set(xray, 784);
  writeDicom(multi, { rows: 28, columns: 28, values: two, bits: 8, window: [128, 256], frames: 2 });
  assert.deepEqual(Uint8Array.from((await readBack(multi, { frame: 1 })).data), xray);
  assert.ok((await readBack(multi)).data[100] === 0, 'the first frame by default');
  await assert.rejects(readBack(multi, { frame: 5 }), /it has 2 frame\(s\); frame 6 was asked for/);
  writeDicom(path.join(work, 'mpeg.dcm'), {
    rows: 28,
    columns: 28,
    values: xray,
    bits: 8,
    transferSyntax: '1.2.840.10008.1.2.4.100',
  });
  await assert.rejects(
    readBack(path.join(work, 'mpeg.dcm')),
    /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100 is not one medcnn reads/,
  );
});

test('a folder of DICOM files (no extension too) trains, split by PatientID; predict and explain take a DICOM file', async () => {
  const dir = path.join(work, 'dicoms');
  const [train] = pneumonia();
  for (let i = 0; i < 96; i++) {
    const label = train.labels[i] ? 'pneumonia' : 'normal';
    fs.mkdirSync(path.join(dir, label), { recursive: true });
    writeDicom(path.join(dir, label, i % 2 ? `IM${i}` : `IM${i}.dcm`), {
      rows: 28,
      columns: 28,
      values: train.images.subarray(i * 784, (i + 1) * 784),
      bits: 8,
      window: [128, 256],
      patient: `P${i % 24}`,
    });
  }
  const own = await loadOwnData({
    source: dir,
    prep: { size: 28, fit: 'pad', dicom: {} },
    onBadFile: 'error',
    seed: 3,
    progress: false,
    log: () => {},
  });
  assert.equal(own.train.count + own.val.count + own.test.count, 96);
  const splitsOf = new Map<string, Set<string>>();
  for (const r of own.rows) splitsOf.set(r.patient, (splitsOf.get(r.patient) ?? new Set()).add(r.split));
  assert.equal(splitsOf.size, 24, 'PatientID read from every file');
  assert.ok(
    [...splitsOf.values()].every((s) => s.size === 1),
    'no patient in two splits',
  );
  const out = path.join(work, 'dicom-run');
  const r = medcnn(['train', '--data', dir, '--epochs', '1', '--out', out, '--no-progress'], {
    MEDCNN_CACHE: path.join(work, 'cache'),
  });
  assert.equal(r.code, 0, r.err);
  const p = medcnn(['predict', out, path.join(work, 'xray.dcm'), '--json']);
  assert.equal(p.code, 0, p.err);
  const [pred] = JSON.parse(p.out);
  assert.ok(['normal', 'pneumonia'].includes(pred.label));
  const e = medcnn(['explain', out, path.join(work, 'xray.dcm'), '--out', path.join(work, 'explain')]);
  assert.equal(e.code, 0, e.err);
  assertUserError(
    medcnn(['predict', out, path.join(work, 'mpeg.dcm')]),
    /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100/,
  );
});
