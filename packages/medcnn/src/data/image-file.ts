import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { MedcnnError } from '../errors.js';
import { decodeFitted, ImageProblem, toModelChannels } from './decode.js';
import type { DicomOptions } from './dicom.js';
import { type Fit, normalizePixels } from './pixels.js';

/** How a run brings an image to its model: the fit, and for DICOM the window and the frame. */
export interface ImagePreprocessing {
  fit?: Fit;
  dicom?: DicomOptions;
}

/**
 * Reads a PNG, JPEG or DICOM file and returns it as uint8 pixels of the size and channels a model takes: the one
 * preprocessing (decodeFitted) that training and import use too.
 */
export async function readImageFile(
  file: string,
  height: number,
  width: number,
  channels: number,
  prep: ImagePreprocessing = {},
): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new MedcnnError(`Cannot read ${file}: ${why}.`, `${file} を読み込めません: ${why}。`);
  }
  try {
    const fitted = await decodeFitted(bytes, { width, height, fit: prep.fit ?? 'stretch' }, prep.dicom);
    return toModelChannels(fitted.pixels, fitted.channels, channels === 1 ? 1 : 3);
  } catch (e) {
    if (!(e instanceof ImageProblem)) throw e;
    if (e.kind === 'not-image')
      throw new MedcnnError(
        `${file} is not a PNG, JPEG or DICOM image. Pass chest X-ray images as .png, .jpg or DICOM files.`,
        `${file} は PNG・JPEG・DICOM のいずれの画像でもありません。胸部X線画像は .png・.jpg・DICOM のファイルで指定してください。`,
      );
    if (e.kind === 'unusable')
      throw new MedcnnError(`${file} cannot be used: ${e.reason.en}.`, `${file} は使えません: ${e.reason.ja}。`);
    throw new MedcnnError(
      `${file} cannot be used: ${e.reason.en}. Use a complete, undamaged copy of the image (export or copy it again).`,
      `${file} は使えません: ${e.reason.ja}。破損のない完全な画像を使ってください（書き出すかコピーし直してください）。`,
    );
  }
}

/** Image files as one batch for a model: their pixels, and the tensor normalised exactly as in training. */
export async function readImageBatch(
  files: string[],
  [h, w, c]: [number, number, number],
  norm: { mean: number; std: number },
  prep: ImagePreprocessing = {},
): Promise<{ pixels: Uint8Array[]; x: tf.Tensor4D }> {
  const pixels: Uint8Array[] = [];
  for (const f of files) pixels.push(await readImageFile(f, h, w, c, prep));
  const values = new Float32Array(files.length * h * w * c);
  pixels.forEach((p, i) => normalizePixels(p, norm, values, i * h * w * c));
  return { pixels, x: tf.tensor4d(values, [files.length, h, w, c]) };
}
