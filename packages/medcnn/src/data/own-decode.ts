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

/** Reads, decodes and fits one file; never throws for a bad file (the record says what is wrong). */
export async function decodeForTraining(file: string, prep: Preprocessing): Promise<DecodedRecord> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
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
