/**
 * `medcnn import`: your own images decoded once into a MedMNIST-format npz (train_images, train_labels, … as
 * numpy's savez writes them, so `np.load` reads it) and a JSON sidecar with the class names, the task, the source
 * file of every row and the preprocessing; `--data FILE.npz` trains from it without decoding anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { MedcnnError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { SPLITS } from './dataset-info.js';
import { encodeNpy } from './npy.js';
import { type ImportSidecar, type OwnData, sidecarPath } from './own.js';
import type { Preprocessing } from './own-decode.js';

/** A zip of stored members (numpy's savez); members and archive must stay under 4 GiB (no zip64). */
export function storedZip(members: [string, Uint8Array][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, nameBuf, Buffer.from(data.buffer, data.byteOffset, data.length));
    central.push(cd, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

/** Writes the npz and its sidecar (each to a temporary name, then renamed); returns the sidecar's path. */
export function writeImport(out: string, data: OwnData, prep: Preprocessing): string {
  const members: [string, Uint8Array][] = [];
  for (const s of [data.train, data.val, data.test]) {
    const shape = s.channels === 1 ? [s.count, s.height, s.width] : [s.count, s.height, s.width, 3];
    members.push([`${s.split}_images.npy`, encodeNpy(shape, s.images)]);
    members.push([`${s.split}_labels.npy`, encodeNpy([s.count, s.labelWidth], s.labels)]);
  }
  const total = members.reduce((a, [, d]) => a + d.length, 0);
  if (total >= 2 ** 32 - 2 ** 24)
    throw new MedcnnError(
      `The imported arrays would take ${(total / 2 ** 30).toFixed(1)} GiB; an npz written by medcnn holds up to 4 GiB. Import at a smaller --size, or in parts.`,
      `取り込む配列は ${(total / 2 ** 30).toFixed(1)} GiB になります。medcnn が書く npz は 4 GiB までです。--size を小さくするか、分けて取り込んでください。`,
    );
  const byFile = Object.fromEntries(SPLITS.map((s) => [s, data.rows.filter((r) => r.split === s)])) as Record<
    (typeof SPLITS)[number],
    OwnData['rows']
  >;
  const sidecar: ImportSidecar = {
    format: 'medcnn-import',
    version: 1,
    source: data.path,
    classes: data.classes,
    task: data.task,
    size: data.size,
    channels: data.channels,
    preprocessing: prep,
    files: {
      train: byFile.train.map((r) => r.path),
      val: byFile.val.map((r) => r.path),
      test: byFile.test.map((r) => r.path),
    },
    patients: {
      train: byFile.train.map((r) => r.patient),
      val: byFile.val.map((r) => r.patient),
      test: byFile.test.map((r) => r.patient),
    },
    splitOrigin: data.splitOrigin,
    skipped: data.skipped,
  };
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileAtomic(out, storedZip(members));
  const side = sidecarPath(out);
  writeFileAtomic(side, `${JSON.stringify(sidecar, null, 2)}\n`);
  return side;
}
