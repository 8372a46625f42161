import fs from 'node:fs';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { MedcnnError } from '../errors.js';

/**
 * Reads a PNG or JPEG and returns it as uint8 pixels of the size and channels a model takes:
 * colour becomes grayscale (ITU-R 601 luma) for 1-channel models, grayscale is repeated for 3-channel ones.
 */
export async function readImageFile(file: string, height: number, width: number, channels: number): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MedcnnError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG';
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new MedcnnError(`${file} is not a PNG or JPEG image. Pass chest X-ray images as .png or .jpg files.`);
  let image;
  try {
    image = await loadImage(bytes);
  } catch (e) {
    throw new MedcnnError(`${file} could not be decoded as an image (${(e as Error).message}); it may be damaged.`);
  }
  if (!image.width || !image.height) throw new MedcnnError(`${file} could not be decoded as an image; it may be damaged.`);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = 'high';
  g.drawImage(image, 0, 0, width, height);
  const rgba = g.getImageData(0, 0, width, height).data;
  const out = new Uint8Array(height * width * channels);
  for (let p = 0; p < height * width; p++) {
    const r = rgba[p * 4], gr = rgba[p * 4 + 1], b = rgba[p * 4 + 2];
    if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
    else {
      out[p * 3] = r;
      out[p * 3 + 1] = gr;
      out[p * 3 + 2] = b;
    }
  }
  return out;
}
