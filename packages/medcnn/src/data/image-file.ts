import fs from 'node:fs';
import zlib from 'node:zlib';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs-core';
import { MedcnnError } from '../errors.js';
import type { Localized } from '../i18n/messages.js';
import { imageDataProblem, imageHeader, imageSizeProblem, modelPixels, normalizePixels } from './pixels.js';

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
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new MedcnnError(`Cannot read ${file}: ${why}.`, `${file} を読み込めません: ${why}。`);
  }
  const header = imageHeader(bytes);
  if (!header)
    throw new MedcnnError(
      `${file} is not a PNG or JPEG image. Pass chest X-ray images as .png or .jpg files.`,
      `${file} は PNG でも JPEG でもありません。胸部X線画像は .png か .jpg のファイルで指定してください。`,
    );
  const unusable = (why: Localized): MedcnnError =>
    new MedcnnError(`${file} cannot be used: ${why.en}.`, `${file} は使えません: ${why.ja}。`);
  const sizeProblem = (w: number, h: number): Localized | null => {
    const en = imageSizeProblem(w, h, 'en');
    return en === null ? null : { en, ja: imageSizeProblem(w, h, 'ja')! };
  };
  const tooBig = header.width > 0 ? sizeProblem(header.width, header.height) : null;
  if (tooBig) throw unusable(tooBig);
  // Decoders fill in what is missing without a word: a truncated or damaged image must not be classified.
  const damaged = imageDataProblem(bytes) ?? (header.kind === 'png' ? pngPixelDataProblem(bytes) : null);
  if (damaged)
    throw new MedcnnError(
      `${file} cannot be used: ${damaged.en}. Use a complete, undamaged copy of the image (export or copy it again).`,
      `${file} は使えません: ${damaged.ja}。破損のない完全な画像を使ってください（書き出すかコピーし直してください）。`,
    );
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(bytes);
  } catch (e) {
    throw new MedcnnError(
      `${file} could not be decoded as an image (${(e as Error).message}); it may be damaged.`,
      `${file} を画像として読み込めません（${(e as Error).message}）。ファイルが壊れている可能性があります。`,
    );
  }
  if (!image.width || !image.height)
    throw new MedcnnError(
      `${file} could not be decoded as an image; it may be damaged.`,
      `${file} を画像として読み込めません。ファイルが壊れている可能性があります。`,
    );
  const problem = sizeProblem(image.width, image.height);
  if (problem) throw unusable(problem);
  // Decoded at its own size; the resampling to the model's size is medcnn's own, shared with the browser page.
  const canvas = createCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const rgba = g.getImageData(0, 0, image.width, image.height).data;
  if (header.width > 0 && (image.width !== header.width || image.height !== header.height))
    throw unusable({
      en: `it decodes to ${image.width}×${image.height} pixels but its header says ${header.width}×${header.height}; the file is damaged`,
      ja: `読み込むと ${image.width}×${image.height} ピクセルですが、ヘッダーでは ${header.width}×${header.height} です。ファイルが壊れています`,
    });
  // A JPEG has no transparency: pixels left transparent are pixels the decoder never got.
  let opaque = true;
  for (let i = 3; i < rgba.length && header.kind === 'jpeg'; i += 4) opaque &&= rgba[i] === 255;
  if (!opaque)
    throw unusable({
      en: 'part of the image could not be decoded; the file is truncated or damaged',
      ja: '画像の一部を読み込めませんでした。ファイルが途中で切れているか壊れています',
    });
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

/** Adam7's passes: first column and row, then the step between columns and between rows. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Why a PNG's compressed pixel rows do not make the image its header declares (a short or overlong stream), in
 * each language, or null when they do. Call on a PNG whose chunks imageDataProblem has checked.
 */
function pngPixelDataProblem(b: Buffer): Localized | null {
  const [width, height, depth, colour, interlace] = [b.readUInt32BE(16), b.readUInt32BE(20), b[24], b[25], b[28]];
  const channels = PNG_CHANNELS[colour];
  if (!channels)
    return {
      en: `its header has the unknown colour type ${colour}; the file is damaged`,
      ja: `ヘッダーのカラータイプ ${colour} は存在しない値です。ファイルが壊れています`,
    };
  const row = (w: number): number => 1 + Math.ceil((w * channels * depth) / 8); // a filter byte, then the pixels
  let expected = 0;
  if (interlace === 0) expected = height * row(width);
  else
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((width - x0) / dx);
      const h = Math.ceil((height - y0) / dy);
      if (w > 0 && h > 0) expected += h * row(w);
    }
  const idat: Buffer[] = [];
  for (let o = 8; o + 12 <= b.length; o += 12 + b.readUInt32BE(o))
    if (b.toString('latin1', o + 4, o + 8) === 'IDAT') idat.push(b.subarray(o + 8, o + 8 + b.readUInt32BE(o)));
  let rows: Buffer;
  try {
    rows = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return {
        en: 'it holds more image data than its header declares; the file is damaged',
        ja: 'ヘッダーが示すより多くの画像データがあります。ファイルが壊れています',
      };
    return {
      en: `its compressed image data cannot be read (${(e as Error).message}); the file is truncated or damaged`,
      ja: `圧縮された画像データを読めません（${(e as Error).message}）。ファイルが途中で切れているか壊れています`,
    };
  }
  if (rows.length !== expected)
    return {
      en: `its image data make ${rows.length} bytes of pixel rows where its ${width}×${height} header needs ${expected}; the file is truncated or damaged`,
      ja: `画像データを展開すると画素の行が ${rows.length} バイトになりますが、${width}×${height} のヘッダーには ${expected} バイト必要です。ファイルが途中で切れているか壊れています`,
    };
  return null;
}
