/**
 * One of your own image files to the pixels a model trains on (decodeFitted, the one preprocessing), with what
 * splitting and leakage checks need; used alike by the decoding workers and the main thread.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Localized } from '../i18n/messages.js';
import { decodeFitted, ImageProblem } from './decode.js';
import type { DicomOptions } from './dicom.js';
import type { Fit } from './pixels.js';

/** How every image of a data set is preprocessed: recorded in the run, part of the cache key. */
export interface Preprocessing {
  size: number;
  fit: Fit;
  dicom: DicomOptions;
}

/** One decoded image: its pixels at the model's size (1 channel when gray, else 3), or why it cannot be used. */
export type DecodedRecord =
  | { ok: true; pixels: Uint8Array; channels: 1 | 3; patient: string | null; hash: string }
  | { ok: false; problem: Localized };

/**
 * A buffer that one decoding lane reads its files into, one after another: a fresh buffer per file costs more CPU
 * (the kernel maps and zeroes its pages) than reading it. Nothing decoded keeps a view of it.
 */
export interface ReadBuffer {
  bytes: Buffer;
}

/** The file's bytes, read into `into` (grown when the file is larger): valid until the next read into it. */
function readInto(file: string, into: ReadBuffer): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (into.bytes.length < size) into.bytes = Buffer.allocUnsafe(Math.max(size, 2 * into.bytes.length));
    let got = 0;
    for (let n = 1; got < size && n > 0; got += n) n = fs.readSync(fd, into.bytes, got, size - got, got);
    return into.bytes.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads, decodes and fits one file; never throws for a bad file (the record says what is wrong). `buffer`: the
 * calling lane's read buffer, when it decodes file after file.
 */
export async function decodeForTraining(
  file: string,
  prep: Preprocessing,
  buffer: ReadBuffer = { bytes: Buffer.alloc(0) },
): Promise<DecodedRecord> {
  let bytes: Buffer;
  try {
    bytes = readInto(file, buffer);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { ok: false, problem: { en: `it cannot be read (${why})`, ja: `読み込めません（${why}）` } };
  }
  try {
    const geometry = { width: prep.size, height: prep.size, fit: prep.fit };
    const { pixels, channels, patientId } = await decodeFitted(bytes, geometry, prep.dicom);
    const hash = crypto.createHash('sha1').update(pixels).digest('hex');
    return { ok: true, pixels, channels, patient: patientId, hash };
  } catch (e) {
    if (e instanceof ImageProblem) return { ok: false, problem: e.reason };
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, problem: { en: `it could not be decoded (${why})`, ja: `復号できません（${why}）` } };
  }
}
