import fs from 'node:fs';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs-core';
import { MedcnnError } from '../errors.js';
import { imageHeader, imageSizeProblem, modelPixels, normalizePixels } from './pixels.js';

/** Reads a PNG or JPEG and returns it as uint8 pixels of the size and channels a model takes (see modelPixels). */
export async function readImageFile(
  file: string,
  height: number,
  width: number,
  channels: number,
): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MedcnnError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const header = imageHeader(bytes);
  if (!header)
    throw new MedcnnError(`${file} is not a PNG or JPEG image. Pass chest X-ray images as .png or .jpg files.`);
  const tooBig = header.width > 0 ? imageSizeProblem(header.width, header.height) : null;
  if (tooBig) throw new MedcnnError(`${file} cannot be used: ${tooBig}.`);
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(bytes);
  } catch (e) {
    throw new MedcnnError(`${file} could not be decoded as an image (${(e as Error).message}); it may be damaged.`);
  }
  if (!image.width || !image.height)
    throw new MedcnnError(`${file} could not be decoded as an image; it may be damaged.`);
  const problem = imageSizeProblem(image.width, image.height);
  if (problem) throw new MedcnnError(`${file} cannot be used: ${problem}.`);
  // Decoded at its own size; the resampling to the model's size is medcnn's own, shared with the browser page.
  const canvas = createCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const rgba = g.getImageData(0, 0, image.width, image.height).data;
  return modelPixels(rgba, image.width, image.height, width, height, channels === 1 ? 1 : 3);
}

/** Image files as one batch for a model: their pixels, and the tensor normalised exactly as in training. */
export async function readImageBatch(
  files: string[],
  [h, w, c]: [number, number, number],
  norm: { mean: number; std: number },
): Promise<{ pixels: Uint8Array[]; x: tf.Tensor4D }> {
  const pixels: Uint8Array[] = [];
  for (const f of files) pixels.push(await readImageFile(f, h, w, c));
  const values = new Float32Array(files.length * h * w * c);
  pixels.forEach((p, i) => normalizePixels(p, norm, values, i * h * w * c));
  return { pixels, x: tf.tensor4d(values, [files.length, h, w, c]) };
}
