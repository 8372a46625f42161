/**
 * The cache of decoded, resized images: one pack per data source and preprocessing, under MEDCNN_CACHE (else
 * $XDG_CACHE_HOME/medcnn, else ~/.cache/medcnn; MEDCNN_CACHE=off turns it off). A file is reused while its path,
 * size and modification time are the same, so the next epoch and the next run do not decode again, and a folder
 * that gained a few images decodes only those. It holds the resized pixels only, never the full-size images.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { jpegDecoder } from './decode.js';
import type { DecodedRecord, Preprocessing } from './own-decode.js';

/**
 * jpeg-native's mapping of a file into memory (an optional dependency, like its decoder), else null: a pack read
 * into fresh memory has every page faulted in (~210 ms of ~240 for 1,000 images at 224 px on this project's VM); a
 * mapped one ~6 ms. The splits are then views of it (own.ts) and the file is only ever replaced by rename.
 */
const mapFile = await import('jpeg-native').then(
  (m) => (m.loadProblem === null ? m.mapFile : null),
  () => null,
);

// 2: images resized by libvips (was: in TypeScript). 3: JPEGs decoded by libjpeg-turbo at a DCT scale (jpeg-native).
const CACHE_VERSION = 3;

/** The cache folder, or null when the cache is off. */
export function cacheDir(): string | null {
  const env = process.env.MEDCNN_CACHE;
  if (env === 'off' || env === '0') return null;
  if (env) return path.resolve(env);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'medcnn');
}

/** What identifies one file's decoded record: where it is, its size and its modification time. */
export interface FileStamp {
  rel: string;
  size: number;
  mtimeMs: number;
}

interface PackIndex {
  version: number;
  prep: Preprocessing;
  records: (FileStamp & { record: Omit<DecodedRecord, 'pixels'> & { offset?: number; length?: number } })[];
}

const stampKey = (s: FileStamp): string => `${s.rel}\0${s.size}\0${s.mtimeMs}`;

/** A data source's pack: the records still valid for the files as they are now, and a way to save new ones. */
export class DecodeCache {
  private readonly known = new Map<string, DecodedRecord>();

  private constructor(private readonly file: string | null) {}

  /** Opens the pack of `source` with `prep` (an unreadable or damaged pack counts as empty). */
  static open(source: string, prep: Preprocessing): DecodeCache {
    const dir = cacheDir();
    const key = crypto
      .createHash('sha256')
      .update(JSON.stringify([CACHE_VERSION, jpegDecoder, path.resolve(source), prep]))
      .digest('hex')
      .slice(0, 32);
    const cache = new DecodeCache(dir ? path.join(dir, `${key}.pack`) : null);
    if (cache.file) cache.read(cache.file);
    return cache;
  }

  private read(file: string): void {
    let bytes: Buffer;
    try {
      const mapped = mapFile?.(file);
      bytes = mapped ? Buffer.from(mapped) : fs.readFileSync(file);
    } catch {
      return;
    }
    try {
      const length = bytes.readUInt32LE(0);
      const index = JSON.parse(bytes.toString('utf8', 4, 4 + length)) as PackIndex;
      if (index.version !== CACHE_VERSION) return;
      const body = 4 + length;
      for (const r of index.records) {
        const rec = r.record as DecodedRecord & { offset?: number; length?: number };
        if (rec.ok) {
          const start = body + rec.offset!;
          const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + start, rec.length!);
          this.known.set(stampKey(r), {
            ok: true,
            pixels,
            channels: rec.channels,
            patient: rec.patient,
            hash: rec.hash,
          });
        } else this.known.set(stampKey(r), { ok: false, problem: rec.problem });
      }
    } catch {
      this.known.clear();
    }
  }

  /** The record of a file as it is now, or undefined. */
  get(stamp: FileStamp): DecodedRecord | undefined {
    return this.known.get(stampKey(stamp));
  }

  /** Writes the pack for exactly these files (atomically); a cache that cannot be written is only slower. */
  save(prep: Preprocessing, files: FileStamp[], records: DecodedRecord[]): boolean {
    if (!this.file) return false;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const chunks: Uint8Array[] = [];
      let offset = 0;
      const index: PackIndex = {
        version: CACHE_VERSION,
        prep,
        records: files.map((f, i) => {
          const r = records[i];
          if (!r.ok) return { ...f, record: r };
          chunks.push(r.pixels);
          const entry = {
            ...f,
            record: {
              ok: true as const,
              channels: r.channels,
              patient: r.patient,
              hash: r.hash,
              offset,
              length: r.pixels.length,
            },
          };
          offset += r.pixels.length;
          return entry;
        }),
      };
      const json = Buffer.from(JSON.stringify(index), 'utf8');
      const head = Buffer.alloc(4);
      head.writeUInt32LE(json.length, 0);
      // Written piece by piece: one buffer of them all would be that much fresh memory again.
      writeFileAtomic(this.file, [head, json, ...chunks]);
      return true;
    } catch {
      return false;
    }
  }
}
