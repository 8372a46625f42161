/**
 * Any image file medcnn reads — 8-bit gray and colour JPEGs through libjpeg-turbo (packages/jpeg-native, when it
 * was built), PNG and other JPEGs (8- or 16-bit, gray, RGB, with alpha) through sharp (libvips, its prebuilt binary
 * from the npm registry), DICOM through data/dicom.ts — to a Raster (decodeImage) or straight to the pixels a model
 * takes (decodeFitted), with damaged files refused, so that a truncated X-ray is never classified or trained on as
 * if it were whole.
 */
import zlib from 'node:zlib';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { Localized } from '../i18n/messages.js';
import { type DicomOptions, DicomProblem, isDicom, readDicom } from './dicom.js';
import {
  DAMAGED,
  type Fit,
  fitPixels,
  imageDataProblem,
  imageHeader,
  imageSizeProblem,
  isGrayRaster,
  problem,
  type Raster,
  TRUNCATED,
} from './pixels.js';

type JpegNative = typeof import('jpeg-native');

/**
 * jpeg-native (an optional dependency, imported at run time) when its addon is built, else why not: libjpeg-turbo
 * decodes and checks a JPEG in one pass, shrunk while it is decoded; without it, sharp decodes and our TypeScript
 * walk of the Huffman data (imageDataProblem) checks, as before.
 */
const jpegNative: JpegNative | string = await import('jpeg-native').then(
  (m) => (m.loadProblem === null ? m : m.loadProblem),
  (e: Error) => `the jpeg-native package is not installed (${e.message.split('\n')[0]})`,
);

/** Which library decodes 8-bit gray and colour JPEGs here (part of the decode cache's key). */
export const jpegDecoder: 'libjpeg-turbo' | 'sharp' = typeof jpegNative === 'string' ? 'sharp' : 'libjpeg-turbo';

/** A one-line note when JPEGs are decoded by sharp because jpeg-native's addon is not there, else null. */
export function jpegDecoderNote(): Localized | null {
  if (typeof jpegNative !== 'string') return null;
  return {
    en: `note: JPEGs are decoded with sharp, more slowly: jpeg-native is not built (${jpegNative}); install libjpeg62-turbo-dev and run npm ci again`,
    ja: `注意: JPEG は sharp で読み込みます（低速）。jpeg-native がビルドされていません（${jpegNative}）。libjpeg62-turbo-dev を入れて npm ci をやり直してください`,
  };
}

// One libvips thread per image: medcnn decodes several images at once instead (files in flight on worker threads),
// and no cache.
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
  if (kind === 'jpeg' && typeof jpegNative !== 'string' && eightBitLayout(bytes)) {
    const header = sizedHeader(bytes);
    const jpeg = await decodeJpegChecked(jpegNative, bytes, header.width, header.height);
    const raster: Raster = { ...jpeg, maxValue: 255 };
    return { kind, raster, patientId: null };
  }
  const header = checkedHeader(bytes);
  let decoded: { data: Buffer; info: OutputInfo };
  let deep = false;
  try {
    // Kept as stored: gray stays one channel, 16-bit stays 16-bit (libvips would otherwise make 8-bit sRGB).
    const meta = await sharp(bytes).metadata();
    deep = meta.depth === 'ushort';
    const gray = (meta.channels ?? 3) <= 2;
    decoded = await sharp(bytes, DECODE_OPTIONS)
      .toColourspace(gray ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb')
      .raw({ depth: deep ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeProblem(e);
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

/** libvips refuses what its decoders call an error (a PNG's pixel rows cut short, a JPEG that ends too soon). */
const DECODE_OPTIONS = { failOn: 'error', limitInputPixels: false } as const;

/**
 * A PNG or JPEG's header, once its size is usable and its structure whole: decoders fill in what is missing
 * without a word (libjpeg reads zeroed Huffman data as valid codes), so a truncated or damaged image is refused
 * here rather than used.
 */
function checkedHeader(bytes: Uint8Array): { kind: 'png' | 'jpeg'; width: number; height: number } {
  const header = sizedHeader(bytes);
  // libpng refuses pixel rows cut short but not a stream that runs on past them: that is checked here too.
  const damaged = imageDataProblem(bytes) ?? (header.kind === 'png' ? pngPixelDataProblem(bytes) : null);
  if (damaged) throw new ImageProblem(damaged);
  return header;
}

/** A PNG or JPEG's header, once its size is usable (not so large that decoding it would take too much memory). */
function sizedHeader(bytes: Uint8Array): { kind: 'png' | 'jpeg'; width: number; height: number } {
  const header = imageHeader(bytes)!;
  const tooBig = header.width > 0 ? sizeProblem(header.width, header.height) : null;
  if (tooBig) throw new ImageProblem(tooBig, 'unusable');
  return header;
}

/** Decodes a JPEG with jpeg-native, at least atLeastWidth × atLeastHeight; libjpeg's refusal as an ImageProblem. */
async function decodeJpegChecked(
  native: JpegNative,
  bytes: Uint8Array,
  atLeastWidth: number,
  atLeastHeight: number,
): Promise<{ data: Buffer; width: number; height: number; channels: 1 | 3 }> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  try {
    return await native.decodeJpeg(buffer, atLeastWidth, atLeastHeight);
  } catch (e) {
    if (native.isJpegError(e)) throw libjpegProblem(e);
    throw e;
  }
}

/**
 * What libjpeg's refusal means for the file, in each language, with libjpeg's own words: each of its warnings (it
 * would otherwise fill in what is missing or damaged) is taken as an error.
 */
function libjpegProblem(e: import('jpeg-native').JpegError): ImageProblem {
  const said = `libjpeg: ${e.message}`;
  const say = (en: string, ja: string, verdict: Localized): ImageProblem =>
    new ImageProblem(problem(`${en} (${said})`, `${ja}（${said}）`, verdict));
  if (e.endOfFile) {
    // libjpeg read past the last byte: where it was says what is missing.
    if (e.phase === 'end')
      return say(
        'it ends before its end-of-image marker',
        '画像の終わりを示すマーカー（EOI）より前で終わっています',
        TRUNCATED,
      );
    if (e.phase === 'header') return say('it ends inside its header', 'ヘッダーの途中で終わっています', TRUNCATED);
    return say('its image data end before all of the image', '画像データが画像の途中で終わっています', TRUNCATED);
  }
  switch (e.code) {
    case 'JWRN_HIT_MARKER':
      return say('its image data end before all of the image', '画像データが画像の途中で終わっています', TRUNCATED);
    case 'JWRN_HUFF_BAD_CODE':
    case 'JWRN_ARITH_BAD_CODE':
      return say('its image data hold an invalid code', '画像データに不正な符号があります', DAMAGED);
    case 'JWRN_MUST_RESYNC':
      return say(
        'a restart marker is missing from its image data',
        '画像データにリスタートマーカーが欠けています',
        DAMAGED,
      );
    case 'JWRN_EXTRANEOUS_DATA':
      return e.phase === 'end'
        ? say(
            'its image data run on past the image its header declares',
            '画像データが、ヘッダーの示す画像の大きさを超えて続いています',
            DAMAGED,
          )
        : say('it has stray bytes where a marker should be', 'マーカーがあるべき位置に余分なバイトがあります', DAMAGED);
    case 'JERR_SOF_UNSUPPORTED':
    case 'JERR_BAD_PRECISION':
    case 'JERR_NOT_COMPILED':
    case 'JERR_ARITH_NOTIMPL':
    case 'JERR_CONVERSION_NOTIMPL':
      return new ImageProblem(
        {
          en: `it is a kind of JPEG that cannot be decoded (${said})`,
          ja: `読み込めない種類の JPEG です（${said}）`,
        },
        'unusable',
      );
    default:
      return say(
        'its image data cannot be decoded',
        '画像データを復号できません',
        e.phase === 'header'
          ? DAMAGED
          : { en: 'the file is truncated or damaged', ja: 'ファイルが途中で切れているか壊れています' },
      );
  }
}

/** What libvips' error means for the file, in each language. */
function decodeProblem(e: unknown): ImageProblem {
  const why = (e as Error).message.split('\n')[0].replace(/^\w+: /, '');
  return new ImageProblem({
    en: `its image data cannot be decoded (${why}); the file is truncated or damaged`,
    ja: `画像データを復号できません（${why}）。ファイルが途中で切れているか壊れています`,
  });
}

/** The size a model takes and how an image is brought to it. */
export interface FitGeometry {
  width: number;
  height: number;
  fit: Fit;
}

/** An image fitted to a model's size: 1 channel when the image is gray, else 3 (RGB). */
export interface FittedImage {
  kind: ImageKind;
  pixels: Uint8Array;
  channels: 1 | 3;
  patientId: string | null;
}

const SHARP_FIT = { pad: 'contain', crop: 'cover', stretch: 'fill' } as const;

/**
 * THE preprocessing in Node, from a file's bytes to the uint8 pixels a model takes (training, import, predict,
 * explain alike): the image is decoded (a JPEG shrunk while it is decoded) and libvips reduces it with a
 * triangle (bilinear) filter widened by the shrink factor, as Pillow's bilinear resize does, fitted by `fit` (pad:
 * black borders, centred; crop: the centre; stretch). 8-bit gray and colour JPEGs are decoded by libjpeg-turbo
 * (jpeg-native) at the smallest DCT scale (1/8 … 8/8) that still covers twice the fitted size, checked in the same
 * pass;
 * 8-bit PNG (and those JPEGs when jpeg-native is not built: libvips' shrink-on-load) go straight through libvips;
 * DICOM, 16-bit and images with alpha are decoded to a raster first (windowed, scaled to 8 bits, alpha dropped) and
 * then reduced the same way. An image that must be enlarged is fitted by fitPixels (pixels.ts), the TypeScript twin
 * that the browser page, which cannot use libvips, runs on every image: the page's pixels are the same for an
 * enlarged image and about one gray level apart for a reduced one (measured in the tests).
 */
export async function decodeFitted(
  bytes: Uint8Array,
  geometry: FitGeometry,
  dicom: DicomOptions = {},
): Promise<FittedImage> {
  const kind = imageKind(bytes);
  if (kind === 'jpeg' && typeof jpegNative !== 'string') {
    const header = sizedHeader(bytes);
    const layout = enlarges(header.width, header.height, geometry) ? null : eightBitLayout(bytes);
    if (layout) {
      // Decoded by libjpeg at the smallest scale that still covers twice the fitted size, then reduced by libvips:
      // a DCT scale right down to the fitted size keeps high frequencies that a triangle filter averages out (on the
      // bench's X-rays 3.5 gray levels from the page's pixels on average, against 1.0 with twice the size left).
      const [w, h] = coveringSize(header.width, header.height, geometry);
      const jpeg = await decodeJpegChecked(jpegNative, bytes, 2 * w, 2 * h);
      const input = sharp(jpeg.data, {
        raw: { width: jpeg.width, height: jpeg.height, channels: jpeg.channels },
        limitInputPixels: false,
      });
      try {
        return { kind, ...(await fitResize(input, geometry, jpeg.channels === 1)), patientId: null };
      } catch (e) {
        throw decodeProblem(e);
      }
    }
  }
  if (kind === 'png' || kind === 'jpeg') {
    const header = checkedHeader(bytes);
    const layout = enlarges(header.width, header.height, geometry) ? null : eightBitLayout(bytes);
    if (layout)
      try {
        return {
          kind,
          ...(await fitResize(sharp(bytes, DECODE_OPTIONS), geometry, layout === 'gray')),
          patientId: null,
        };
      } catch (e) {
        throw decodeProblem(e);
      }
  }
  const { raster, patientId } = await decodeImage(bytes, dicom);
  const gray = isGrayRaster(raster);
  if (enlarges(raster.width, raster.height, geometry)) {
    const pixels = fitPixels(raster, geometry.width, geometry.height, gray ? 1 : 3, geometry.fit);
    return { kind: kind!, pixels, channels: gray ? 1 : 3, patientId };
  }
  const eight = eightBitPlane(raster, gray ? 1 : 3);
  const input = sharp(eight, {
    raw: { width: raster.width, height: raster.height, channels: gray ? 1 : 3 },
    limitInputPixels: false,
  });
  return { kind: kind!, ...(await fitResize(input, geometry, gray)), patientId };
}

/**
 * 'gray' or 'rgb' for an 8-bit PNG or JPEG without alpha or palette, read from its header (asking libvips would
 * cost as much again as a small image's decoding); null for any other image.
 */
function eightBitLayout(b: Uint8Array): 'gray' | 'rgb' | null {
  if (b[0] === 0x89) {
    if (b[24] !== 8) return null; // IHDR: bit depth, then colour type (0 gray, 2 RGB)
    return b[25] === 0 ? 'gray' : b[25] === 2 ? 'rgb' : null;
  }
  // JPEG: the first start-of-frame (its precision and number of components).
  for (let o = 2; o + 9 < b.length; ) {
    if (b[o] !== 0xff) return null;
    const marker = b[o + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (b[o + 4] !== 8) return null;
      return b[o + 9] === 1 ? 'gray' : b[o + 9] === 3 ? 'rgb' : null;
    }
    o += 2 + ((b[o + 2] << 8) | b[o + 3]);
  }
  return null;
}

/**
 * Whether fitting a w×h image enlarges it along either axis. libvips enlarges half a pixel off centre, so an image
 * that is enlarged (a small one: cheap in TypeScript) is fitted by fitPixels, exactly as the page does.
 */
function enlarges(w: number, h: number, { width, height, fit }: FitGeometry): boolean {
  if (!(w > 0 && h > 0)) return false;
  if (fit === 'stretch') return width > w || height > h;
  const scale = fit === 'pad' ? Math.min(width / w, height / h) : Math.max(width / w, height / h);
  return scale > 1;
}

/** The size a w×h image is resized to before it is fitted (pad: inside the geometry; crop: covering it). */
function coveringSize(w: number, h: number, { width, height, fit }: FitGeometry): [number, number] {
  if (fit === 'stretch') return [width, height];
  const scale = fit === 'pad' ? Math.min(width / w, height / h) : Math.max(width / w, height / h);
  return [Math.min(w, Math.ceil(w * scale)), Math.min(h, Math.ceil(h * scale))];
}

/** Resizes with libvips into the geometry (see decodeFitted); an RGB result that is gray everywhere is 1 channel. */
async function fitResize(
  input: Sharp,
  { width, height, fit }: FitGeometry,
  gray: boolean,
): Promise<{ pixels: Uint8Array; channels: 1 | 3 }> {
  const { data } = await input
    .toColourspace(gray ? 'b-w' : 'srgb')
    .resize(width, height, { fit: SHARP_FIT[fit], background: { r: 0, g: 0, b: 0 }, kernel: 'linear' })
    .removeAlpha() // a PNG's tRNS chunk makes one
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (gray) return { pixels, channels: 1 };
  const n = width * height;
  for (let p = 0; p < n; p++)
    if (pixels[p * 3] !== pixels[p * 3 + 1] || pixels[p * 3] !== pixels[p * 3 + 2]) return { pixels, channels: 3 };
  const one = new Uint8Array(n);
  for (let p = 0; p < n; p++) one[p] = pixels[p * 3];
  return { pixels: one, channels: 1 };
}

/** A raster's pixels on 0…255 in 1 or 3 channels (alpha dropped), for libvips. */
function eightBitPlane(r: Raster, channels: 1 | 3): Buffer {
  const n = r.width * r.height;
  const out = Buffer.alloc(n * channels);
  const k = 255 / r.maxValue;
  const { data, channels: c } = r;
  for (let p = 0; p < n; p++)
    for (let ch = 0; ch < channels; ch++) out[p * channels + ch] = Math.round(data[p * c + ch] * k);
  return out;
}

/**
 * Pixels of `channels` channels as a model of `want` channels takes them: gray repeated, or colour to gray (ITU-R
 * 601 luma, as Pillow and the page compute it).
 */
export function toModelChannels(pixels: Uint8Array, channels: 1 | 3, want: 1 | 3): Uint8Array {
  if (channels === want) return pixels;
  const n = pixels.length / channels;
  const out = new Uint8Array(n * want);
  if (want === 3) for (let p = 0; p < n; p++) out.fill(pixels[p], p * 3, p * 3 + 3);
  else
    for (let p = 0; p < n; p++)
      out[p] = Math.round(0.299 * pixels[p * 3] + 0.587 * pixels[p * 3 + 1] + 0.114 * pixels[p * 3 + 2]);
  return out;
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
