/**
 * Any image file medcnn reads — PNG and JPEG (8- or 16-bit, gray, RGB, with alpha) through sharp (libvips, its
 * prebuilt binary from the npm registry), DICOM through data/dicom.ts — to a Raster, with damaged files refused
 * before decoding, so that a truncated X-ray is never classified or trained on as if it were whole.
 */
import zlib from 'node:zlib';
import sharp, { type OutputInfo } from 'sharp';
import type { Localized } from '../i18n/messages.js';
import { type DicomOptions, DicomProblem, isDicom, readDicom } from './dicom.js';
import { imageDataProblem, imageHeader, imageSizeProblem, type Raster } from './pixels.js';

// One libvips thread per image: medcnn decodes several images at once instead (worker threads), and no cache.
sharp.concurrency(1);
sharp.cache(false);

/** The kind of an image file, from its first bytes. */
export type ImageKind = 'png' | 'jpeg' | 'dicom';

/** A decoded image: its pixels and, for DICOM, the patient it belongs to. */
export interface DecodedImage {
  kind: ImageKind;
  raster: Raster;
  patientId: string | null;
}

/** Why a file cannot be used as an image (in each language): not an image, too large, damaged. */
export class ImageProblem extends Error {
  constructor(
    readonly reason: Localized,
    /** not-image: not a PNG, JPEG or DICOM file; unusable: too large, an unsupported kind; damaged: the rest. */
    readonly kind: 'not-image' | 'unusable' | 'damaged' = 'damaged',
  ) {
    super(reason.en);
  }
}

/** The kind of image the bytes are, or null (not a PNG, JPEG or DICOM file). */
export function imageKind(bytes: Uint8Array): ImageKind | null {
  if (isDicom(bytes)) return 'dicom';
  return imageHeader(bytes)?.kind ?? null;
}

const sizeProblem = (w: number, h: number): Localized | null => {
  const en = imageSizeProblem(w, h, 'en');
  return en === null ? null : { en, ja: imageSizeProblem(w, h, 'ja')! };
};

/** Decodes a PNG, JPEG or DICOM file's bytes; an ImageProblem says why it cannot be used. */
export async function decodeImage(bytes: Uint8Array, dicom: DicomOptions = {}): Promise<DecodedImage> {
  const kind = imageKind(bytes);
  if (!kind)
    throw new ImageProblem(
      { en: 'it is not a PNG, JPEG or DICOM image', ja: 'PNG・JPEG・DICOM のいずれの画像でもありません' },
      'not-image',
    );
  if (kind === 'dicom') {
    try {
      const image = await readDicom(bytes, dicom);
      const tooBig = sizeProblem(image.raster.width, image.raster.height);
      if (tooBig) throw new ImageProblem(tooBig, 'unusable');
      return { kind, raster: image.raster, patientId: image.patientId };
    } catch (e) {
      if (e instanceof DicomProblem)
        throw new ImageProblem(e.reason, /damaged|truncated/.test(e.reason.en) ? 'damaged' : 'unusable');
      throw e;
    }
  }
  const header = imageHeader(bytes)!;
  const tooBig = header.width > 0 ? sizeProblem(header.width, header.height) : null;
  if (tooBig) throw new ImageProblem(tooBig, 'unusable');
  // Decoders fill in what is missing without a word: a truncated or damaged image must not be used.
  const damaged = imageDataProblem(bytes) ?? (kind === 'png' ? pngPixelDataProblem(bytes) : null);
  if (damaged) throw new ImageProblem(damaged);
  let decoded: { data: Buffer; info: OutputInfo };
  let deep = false;
  try {
    // Kept as stored: gray stays one channel, 16-bit stays 16-bit (libvips would otherwise make 8-bit sRGB).
    const meta = await sharp(bytes).metadata();
    deep = meta.depth === 'ushort';
    const gray = (meta.channels ?? 3) <= 2;
    decoded = await sharp(bytes, { failOn: 'error', limitInputPixels: false })
      .toColourspace(gray ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb')
      .raw({ depth: deep ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ImageProblem({
      en: `it could not be decoded (${(e as Error).message.split('\n')[0]}); the file may be damaged`,
      ja: `画像として読み込めません（${(e as Error).message.split('\n')[0]}）。ファイルが壊れている可能性があります`,
    });
  }
  const { info, data } = decoded;
  if (header.width > 0 && (info.width !== header.width || info.height !== header.height))
    throw new ImageProblem({
      en: `it decodes to ${info.width}×${info.height} pixels but its header says ${header.width}×${header.height}; the file is damaged`,
      ja: `読み込むと ${info.width}×${info.height} ピクセルですが、ヘッダーでは ${header.width}×${header.height} です。ファイルが壊れています`,
    });
  const sixteen = deep;
  const samples = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : data;
  return {
    kind,
    raster: {
      width: info.width,
      height: info.height,
      channels: info.channels as Raster['channels'],
      data: samples,
      maxValue: sixteen ? 65535 : 255,
    },
    patientId: null,
  };
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
function pngPixelDataProblem(bytes: Uint8Array): Localized | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
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
