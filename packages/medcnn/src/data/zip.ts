import fs from 'node:fs';
import zlib from 'node:zlib';
import { MedcnnError } from '../errors.js';

/** One member of a zip archive, located through the central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** A zip archive read lazily from disk: only the members asked for are read and inflated. */
export class ZipFile {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly fileSize: number,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  /** Opens a zip (zip64 included) and reads its central directory. */
  static open(path: string): ZipFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw new MedcnnError(
        `Cannot open ${path}: ${(e as Error).message}`,
        `${path} を開けません: ${(e as Error).message}`,
      );
    }
    try {
      const size = fs.fstatSync(fd).size;
      return new ZipFile(path, fd, size, readCentralDirectory(path, fd, size));
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Reads and decompresses one member, checking its CRC-32. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new MedcnnError(`${this.path}: no member '${name}'`, `${this.path}: '${name}' が入っていません`);
    const local = readAt(this.path, this.fd, this.fileSize, e.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== 0x04034b50)
      throw corrupt(this.path, `bad local header for '${name}'`, `'${name}' のローカルヘッダーが不正です`);
    const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(this.path, this.fd, this.fileSize, dataStart, e.compressedSize);
    let data: Buffer;
    if (e.method === 0) data = raw;
    else if (e.method === 8) {
      try {
        data = zlib.inflateRawSync(raw);
      } catch (err) {
        throw corrupt(
          this.path,
          `member '${name}' does not inflate (${(err as Error).message})`,
          `'${name}' を展開できません（${(err as Error).message}）`,
        );
      }
    } else
      throw corrupt(
        this.path,
        `member '${name}' uses unsupported compression method ${e.method}`,
        `'${name}' は対応していない圧縮方式 ${e.method} を使っています`,
      );
    if (data.length !== e.size)
      throw corrupt(
        this.path,
        `member '${name}' has ${data.length} bytes, expected ${e.size}`,
        `'${name}' は ${data.length} バイトですが、${e.size} バイトのはずです`,
      );
    if (zlib.crc32(data) !== e.crc32)
      throw corrupt(this.path, `member '${name}' fails its CRC-32 check`, `'${name}' が CRC-32 検査に合格しません`);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The error for a damaged zip: `what` and `whatJa` say what is wrong, in English and Japanese. */
function corrupt(path: string, what: string, whatJa: string): MedcnnError {
  return new MedcnnError(
    `${path} is corrupt: ${what}. Delete it and download it again ('medcnn download').`,
    `${path} は壊れています: ${whatJa}。削除して、ダウンロードし直してください（'medcnn download'）。`,
  );
}

function readAt(path: string, fd: number, fileSize: number, offset: number, length: number): Buffer {
  if (offset < 0 || offset + length > fileSize) {
    throw new MedcnnError(
      `${path} is truncated: needs bytes up to ${offset + length}, file has ${fileSize}. Delete it and download it again ('medcnn download').`,
      `${path} は途中で切れています: ${offset + length} バイト目まで必要ですが、ファイルは ${fileSize} バイトです。削除して、ダウンロードし直してください（'medcnn download'）。`,
    );
  }
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw corrupt(path, 'unexpected end of file', 'ファイルが途中で終わっています');
    done += n;
  }
  return buf;
}

function readCentralDirectory(path: string, fd: number, size: number): Map<string, ZipEntry> {
  // The end-of-central-directory record sits in the last 22 + 65535 (max comment) bytes.
  const tailLen = Math.min(size, 22 + 65535);
  if (size < 22)
    throw new MedcnnError(
      `${path} is not a zip/npz file (only ${size} bytes). Delete it and download it again.`,
      `${path} は zip/npz ファイルではありません（${size} バイトしかありません）。削除して、ダウンロードし直してください。`,
    );
  const tail = readAt(path, fd, size, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new MedcnnError(
      `${path} is not a valid npz (zip) file: no end-of-archive record, so it is truncated or not a zip. Delete it and download it again ('medcnn download').`,
      `${path} は正しい npz（zip）ファイルではありません: アーカイブ終端レコードがないため、途中で切れているか zip ではありません。削除して、ダウンロードし直してください（'medcnn download'）。`,
    );
  }
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locPos = size - tailLen + eocd - 20;
    const loc = readAt(path, fd, size, locPos, 20);
    if (loc.readUInt32LE(0) !== 0x07064b50)
      throw corrupt(path, 'missing zip64 locator', 'zip64 ロケーターがありません');
    const z = readAt(path, fd, size, Number(loc.readBigUInt64LE(8)), 56);
    if (z.readUInt32LE(0) !== 0x06064b50) throw corrupt(path, 'bad zip64 end record', 'zip64 終端レコードが不正です');
    count = Number(z.readBigUInt64LE(32));
    cdSize = Number(z.readBigUInt64LE(40));
    cdOffset = Number(z.readBigUInt64LE(48));
  }
  const cd = readAt(path, fd, size, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50)
      throw corrupt(path, 'bad central directory', 'セントラルディレクトリが不正です');
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    };
    applyZip64Extra(entry, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
    entries.set(entry.name, entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Zip64 keeps sizes and offsets that overflow 32 bits in an extra field, in a fixed order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let q = 0;
  while (q + 4 <= extra.length) {
    const id = extra.readUInt16LE(q);
    const len = extra.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      const next = (): number => {
        const v = Number(extra.readBigUInt64LE(r));
        r += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
    }
    q += 4 + len;
  }
}
