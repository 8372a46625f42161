import { type Fit, imageHeader, imageSizeProblem, modelPixels } from 'medcnn/browser';
import { lang, PageError } from './i18n';

const MAX_FILE_MB = 100;

/** An image as the model takes it (uint8, model size) plus what the user chose. */
export interface ChosenImage {
  name: string;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Reads a PNG or JPEG the user chose into the model's pixels, with the same fit, resampling and grayscale
 * conversion as `medcnn predict` (the run's fit: pad, crop or stretch). The header is checked before decoding, so a huge image is refused early.
 */
export async function readImage(
  blob: Blob,
  name: string,
  h: number,
  w: number,
  c: number,
  fit: Fit = 'stretch',
): Promise<ChosenImage> {
  if (blob.size > MAX_FILE_MB * 1024 * 1024)
    throw new PageError('errFileTooBig', { name, mb: (blob.size / 1048576).toFixed(0), max: MAX_FILE_MB });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = imageHeader(bytes);
  if (!header) throw new PageError('errNotImage', { name });
  const declared = header.width > 0 ? imageSizeProblem(header.width, header.height, lang()) : null;
  if (declared) throw new PageError('errTooBig', { name, problem: declared });
  let bitmap: ImageBitmap;
  try {
    // No colour management and no premultiplication: the same pixel values the Node decoder gives.
    bitmap = await createImageBitmap(new Blob([bytes], { type: `image/${header.kind}` }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new PageError('errDecode', { name });
  }
  const problem = imageSizeProblem(bitmap.width, bitmap.height, lang());
  if (problem) throw new PageError('errTooBig', { name, problem });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  g.drawImage(bitmap, 0, 0);
  const rgba = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
  bitmap.close();
  return {
    name,
    width: canvas.width,
    height: canvas.height,
    pixels: modelPixels(rgba, canvas.width, canvas.height, w, h, c === 1 ? 1 : 3, fit),
  };
}
