/**
 * DICOM files to pixels, through dicom-parser (the parser Cornerstone uses) and the Cornerstone codec packages
 * (libjpeg-turbo, CharLS, OpenJPEG, the JPEG lossless decoder) — 12-bit JPEG through dcmjs-codecs (DCMTK's IJG
 * codec) —, all WebAssembly or JavaScript from the npm registry: nothing leaves the machine. The stored values become Hounsfield units (or whatever the rescale says),
 * then 0…255 through the VOI window (the file's, `--window C,W`, or the 1st–99th percentile), MONOCHROME1 inverted.
 */
import { createRequire } from 'node:module';
import { Decoder as LosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import dicomParser from 'dicom-parser';
import type { Localized } from '../i18n/messages.js';
import { imageDataProblem, type Raster } from './pixels.js';

/** Whether bytes are a DICOM Part 10 file: a 128-byte preamble, then 'DICM'. */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** A VOI window: centre and width, as DICOM's Window Center and Window Width. */
export interface VoiWindow {
  center: number;
  width: number;
}

/** How a DICOM image is turned into 8-bit pixels. */
export interface DicomOptions {
  /** The window to use instead of the file's (`--window C,W`). */
  window?: VoiWindow;
  /** Which frame of a multi-frame image (0-based; default the first). */
  frame?: number;
}

/** A decoded DICOM image: pixels on 0…255, and what grouping and reports need. */
export interface DicomImage {
  raster: Raster;
  patientId: string | null;
  frames: number;
  window: VoiWindow | null;
  transferSyntax: string;
}

/** Why a DICOM file cannot be used, in each language. */
export class DicomProblem extends Error {
  constructor(readonly reason: Localized) {
    super(reason.en);
  }
}

const problem = (en: string, ja: string): DicomProblem => new DicomProblem({ en, ja });

/** The transfer syntaxes medcnn reads, by UID. */
const SYNTAXES: Record<string, { name: string; codec: Codec }> = {
  '1.2.840.10008.1.2': { name: 'implicit VR little endian', codec: 'native' },
  '1.2.840.10008.1.2.1': { name: 'explicit VR little endian', codec: 'native' },
  '1.2.840.10008.1.2.1.99': { name: 'deflated explicit VR little endian', codec: 'native' },
  '1.2.840.10008.1.2.2': { name: 'explicit VR big endian', codec: 'native' },
  '1.2.840.10008.1.2.5': { name: 'RLE lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG baseline', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG extended', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG lossless', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG lossless SV1', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS near-lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 lossless', codec: 'j2k' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k' },
};
type Codec = 'native' | 'rle' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k';

/** The image attributes that say how to read the pixel data. */
interface PixelModule {
  rows: number;
  columns: number;
  samples: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  planar: boolean;
  photometric: string;
  frames: number;
}

/** Reads a DICOM file's image (one frame) into pixels on 0…255; a DicomProblem says why it cannot. */
export async function readDicom(bytes: Uint8Array, opts: DicomOptions = {}): Promise<DicomImage> {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (e) {
    const why = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw problem(
      `it is not a readable DICOM file (${why.replace(/^dicomParser\.\w+: /, '')}); the file is truncated or damaged`,
      `読み取れる DICOM ファイルではありません（${why.replace(/^dicomParser\.\w+: /, '')}）。ファイルが途中で切れているか壊れています`,
    );
  }
  const uid = (ds.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const syntax = SYNTAXES[uid];
  if (!syntax)
    throw problem(
      `its transfer syntax ${uid} is not one medcnn reads (uncompressed, deflate, RLE, JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000); convert it, e.g. with dcmtk's 'dcmdjpeg' or gdcmconv --raw`,
      `転送構文 ${uid} には対応していません（非圧縮、deflate、RLE、JPEG ベースライン/拡張/ロスレス、JPEG-LS、JPEG 2000 に対応）。dcmtk の 'dcmdjpeg' や gdcmconv --raw などで変換してください`,
    );
  const element = ds.elements.x7fe00010;
  if (!element)
    throw problem(
      'it holds no image (no Pixel Data element): it may be a report or a structured document',
      '画像（Pixel Data 要素）がありません。レポートや構造化文書かもしれません',
    );
  const px: PixelModule = {
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    samples: ds.uint16('x00280002') ?? 1,
    bitsAllocated: ds.uint16('x00280100') ?? 16,
    bitsStored: ds.uint16('x00280101') ?? ds.uint16('x00280100') ?? 16,
    signed: ds.uint16('x00280103') === 1,
    planar: ds.uint16('x00280006') === 1,
    photometric: (ds.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase(),
    frames: Math.max(1, ds.intString('x00280008') ?? 1),
  };
  if (!(px.rows > 0 && px.columns > 0))
    throw problem('it declares no image size (Rows, Columns)', '画像の大きさ（Rows, Columns）がありません');
  if (px.samples !== 1 && px.samples !== 3)
    throw problem(
      `it has ${px.samples} samples per pixel; medcnn reads 1 (grayscale) or 3 (colour)`,
      `1 画素あたり ${px.samples} サンプルです。medcnn が読めるのは 1（グレースケール）か 3（カラー）です`,
    );
  if (px.photometric === 'PALETTE COLOR')
    throw problem(
      'it is a PALETTE COLOR image, which medcnn does not read; convert it to RGB',
      'PALETTE COLOR 画像には対応していません。RGB に変換してください',
    );
  const frame = opts.frame ?? 0;
  if (frame >= px.frames)
    throw problem(
      `it has ${px.frames} frame(s); frame ${frame + 1} was asked for (--frame counts from 1)`,
      `フレームは ${px.frames} 枚です。${frame + 1} 枚目が指定されました（--frame は 1 から数えます）`,
    );
  const values = await framePixels(ds, element, px, frame, syntax.codec, uid);
  const n = px.rows * px.columns;
  if (values.length < n * px.samples)
    throw problem(
      `its pixel data hold ${values.length} values where ${px.columns}×${px.rows}×${px.samples} are needed; the file is truncated or damaged`,
      `画素データは ${values.length} 個ですが、${px.columns}×${px.rows}×${px.samples} 個必要です。ファイルが途中で切れているか壊れています`,
    );
  const patientId = ds.string('x00100020')?.trim() || null;
  if (px.samples === 3) {
    const rgb = toRgb(values, px, syntax.codec);
    return {
      raster: { width: px.columns, height: px.rows, channels: 3, data: rgb, maxValue: 255 },
      patientId,
      frames: px.frames,
      window: null,
      transferSyntax: uid,
    };
  }
  // Modality LUT: stored values to real ones (Hounsfield units for CT).
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const real = new Float32Array(n);
  for (let i = 0; i < n; i++) real[i] = values[i] * slope + intercept;
  const window = opts.window ?? fileWindow(ds) ?? percentileWindow(real);
  const out = applyWindow(real, window);
  if (px.photometric === 'MONOCHROME1') for (let i = 0; i < n; i++) out[i] = 255 - out[i];
  return {
    raster: { width: px.columns, height: px.rows, channels: 1, data: out, maxValue: 255 },
    patientId,
    frames: px.frames,
    window,
    transferSyntax: uid,
  };
}

/** The file's own first Window Center / Window Width, when it has a usable one. */
function fileWindow(ds: dicomParser.DataSet): VoiWindow | null {
  const center = ds.floatString('x00281050', 0);
  const width = ds.floatString('x00281051', 0);
  return center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1
    ? { center, width }
    : null;
}

/** A window over the 1st to the 99th percentile of the values (what a viewer's auto window does). */
export function percentileWindow(values: Float32Array): VoiWindow {
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[Math.floor((sorted.length - 1) * 0.01)];
  const hi = sorted[Math.ceil((sorted.length - 1) * 0.99)];
  return { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
}

/** DICOM's linear VOI function (PS3.3 C.11.2.1.2.1) onto 0…255. */
export function applyWindow(values: Float32Array, { center, width }: VoiWindow): Float32Array {
  const out = new Float32Array(values.length);
  const lo = center - 0.5 - (width - 1) / 2;
  const hi = center - 0.5 + (width - 1) / 2;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = x <= lo ? 0 : x > hi ? 255 : ((x - (center - 0.5)) / Math.max(1e-9, width - 1) + 0.5) * 255;
  }
  return out;
}

/** The stored values of one frame, decoded, as numbers (one per sample, interleaved as the data holds them). */
async function framePixels(
  ds: dicomParser.DataSet,
  element: dicomParser.Element,
  px: PixelModule,
  frame: number,
  codec: Codec,
  uid: string,
): Promise<ArrayLike<number>> {
  const n = px.rows * px.columns * px.samples;
  if (codec === 'native') {
    const bytesPer = px.bitsAllocated / 8;
    if (px.bitsAllocated !== 8 && px.bitsAllocated !== 16 && px.bitsAllocated !== 32)
      throw problem(
        `its pixels are ${px.bitsAllocated} bits each; medcnn reads 8, 16 or 32`,
        `画素が ${px.bitsAllocated} ビットです。medcnn が読めるのは 8・16・32 ビットです`,
      );
    const start = element.dataOffset + frame * n * bytesPer;
    const end = start + n * bytesPer;
    if (end > ds.byteArray.length || end > element.dataOffset + element.length)
      throw problem(
        'its pixel data end before the image does; the file is truncated',
        '画素データが画像の途中で終わっています。ファイルが途中で切れています',
      );
    const bigEndian = uid === '1.2.840.10008.1.2.2';
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + start, n * bytesPer);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++)
      out[i] =
        bytesPer === 1
          ? px.signed
            ? view.getInt8(i)
            : view.getUint8(i)
          : bytesPer === 2
            ? px.signed
              ? view.getInt16(i * 2, !bigEndian)
              : view.getUint16(i * 2, !bigEndian)
            : px.signed
              ? view.getInt32(i * 4, !bigEndian)
              : view.getUint32(i * 4, !bigEndian);
    return maskBits(out, px);
  }
  const encoded = encapsulatedFrame(ds, element, px.frames, frame);
  try {
    if (codec === 'rle') return maskBits(decodeRle(encoded, px), px);
    if (codec === 'jpeg-lossless') {
      const decoded = new LosslessDecoder().decode(
        encoded.buffer as ArrayBuffer,
        encoded.byteOffset,
        encoded.length,
        px.bitsAllocated <= 8 ? 1 : 2,
      );
      return maskBits(signedView(decoded, px), px);
    }
    if (codec === 'jpeg' && jpegPrecision(encoded) > 8)
      return maskBits(signedView(await decodeJpeg12(encoded, px, uid), px), px);
    const decoded = await wasmDecode(codec, encoded, px);
    return maskBits(signedView(decoded, px), px);
  } catch (e) {
    if (e instanceof DicomProblem) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw problem(
      `its ${SYNTAXES[uid].name} image data cannot be decoded (${why}); the file is damaged`,
      `${SYNTAXES[uid].name} の画像データを復号できません（${why}）。ファイルが壊れています`,
    );
  }
}

/** Keeps the stored bits only (the rest of a 16-bit word may hold overlays), sign-extended when signed. */
function maskBits(values: ArrayLike<number>, px: PixelModule): ArrayLike<number> {
  if (px.bitsStored >= px.bitsAllocated || px.bitsStored >= 32) return values;
  const out = new Float64Array(values.length);
  const mask = 2 ** px.bitsStored - 1;
  const sign = 2 ** (px.bitsStored - 1);
  for (let i = 0; i < values.length; i++) {
    let v = values[i] & mask;
    if (px.signed && v >= sign) v -= 2 ** px.bitsStored;
    out[i] = v;
  }
  return out;
}

/** Decoded 16-bit samples read as signed when the image says so. */
function signedView(decoded: Uint8Array | Uint16Array | Int16Array, px: PixelModule): ArrayLike<number> {
  if (!px.signed) return decoded;
  if (decoded instanceof Uint16Array) return new Int16Array(decoded.buffer, decoded.byteOffset, decoded.length);
  if (decoded instanceof Uint8Array && px.bitsAllocated <= 8)
    return new Int8Array(decoded.buffer, decoded.byteOffset, decoded.length);
  return decoded;
}

/** The compressed bytes of one frame of encapsulated pixel data. */
function encapsulatedFrame(
  ds: dicomParser.DataSet,
  element: dicomParser.Element,
  frames: number,
  frame: number,
): Uint8Array {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0)
    throw problem(
      'its compressed pixel data hold no fragments; the file is damaged',
      '圧縮された画素データにフラグメントがありません。ファイルが壊れています',
    );
  if (element.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(ds, element, frame);
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length);
  if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, frame, 1);
  const table = dicomParser.createJPEGBasicOffsetTable(ds, element);
  return dicomParser.readEncapsulatedImageFrame(ds, element, frame, table);
}

/** RLE Lossless (PS3.5 annex G): a header of segment offsets, then one PackBits segment per byte plane. */
function decodeRle(data: Uint8Array, px: PixelModule): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const segments = view.getUint32(0, true);
  const bytesPer = px.bitsAllocated / 8;
  const n = px.rows * px.columns;
  if (segments !== bytesPer * px.samples || data.length < 64)
    throw problem(
      `its RLE data have ${segments} segments where ${bytesPer * px.samples} are needed; the file is damaged`,
      `RLE データのセグメントは ${segments} 個ですが、${bytesPer * px.samples} 個必要です。ファイルが壊れています`,
    );
  const planes: Uint8Array[] = [];
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + s * 4, true);
    const end = s + 1 < segments ? view.getUint32(8 + s * 4, true) : data.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (let i = start; i < end && o < n; ) {
      const h = (data[i++] << 24) >> 24;
      if (h >= 0) for (let k = 0; k <= h && o < n; k++) out[o++] = data[i++];
      else if (h > -128) {
        const v = data[i++];
        for (let k = 0; k < 1 - h && o < n; k++) out[o++] = v;
      }
    }
    if (o < n)
      throw problem(
        'its RLE data end before the image does; the file is truncated',
        'RLE データが画像の途中で終わっています。ファイルが途中で切れています',
      );
    planes.push(out);
  }
  // Segments are ordered sample by sample, most significant byte first; samples come out interleaved.
  const out = new Float64Array(n * px.samples);
  for (let sample = 0; sample < px.samples; sample++)
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let b = 0; b < bytesPer; b++) v = v * 256 + planes[sample * bytesPer + b][i];
      if (px.signed && v >= 2 ** (px.bitsAllocated - 1)) v -= 2 ** px.bitsAllocated;
      out[i * px.samples + sample] = v;
    }
  return out;
}

// The WebAssembly codecs, each started once per process (their factories load the .wasm beside them).
const require = createRequire(import.meta.url);
type WasmDecoder = {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
};
const codecs = new Map<string, Promise<Record<string, new () => WasmDecoder>>>();
const CODEC_MODULES = {
  jpeg: ['@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder'],
  'jpeg-ls': ['@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder'],
  j2k: ['@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder'],
} as const;

async function wasmDecode(
  codec: 'jpeg' | 'jpeg-ls' | 'j2k',
  encoded: Uint8Array,
  px: PixelModule,
): Promise<Uint8Array | Uint16Array> {
  const [module, className] = CODEC_MODULES[codec];
  let started = codecs.get(module);
  if (!started) {
    const factory = require(module) as (m: object) => Promise<Record<string, new () => WasmDecoder>>;
    // Quiet: OpenJPEG narrates every header it reads; a failure is thrown, not printed.
    started = factory({ print: () => {}, printErr: () => {} });
    codecs.set(module, started);
  }
  const Decoder = (await started)[className];
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== px.columns || info.height !== px.rows)
      throw problem(
        `its compressed image is ${info.width}×${info.height} but the file says ${px.columns}×${px.rows}; the file is damaged`,
        `圧縮画像は ${info.width}×${info.height} ですが、ファイルの記載は ${px.columns}×${px.rows} です。ファイルが壊れています`,
      );
    const bytes = decoder.getDecodedBuffer();
    // Copied out: the codec's memory is reused by the next image.
    return info.bitsPerSample > 8
      ? new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
      : bytes.slice();
  } finally {
    decoder.delete();
  }
}

/** Colour samples to interleaved RGB bytes: planar data interleaved, YBR_FULL converted (JPEG codecs give RGB). */
function toRgb(values: ArrayLike<number>, px: PixelModule, codec: Codec): Uint8Array {
  const n = px.rows * px.columns;
  const out = new Uint8Array(n * 3);
  const planar = px.planar && codec === 'native'; // RLE comes out interleaved, the JPEG codecs too
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Number(planar ? values[c * n + i] : values[i * 3 + c]);
  const ybr = px.photometric.startsWith('YBR_FULL') && (codec === 'native' || codec === 'rle');
  if (ybr)
    for (let i = 0; i < n * 3; i += 3) {
      const [y, cb, cr] = [out[i], out[i + 1] - 128, out[i + 2] - 128];
      out[i] = clamp(y + 1.402 * cr);
      out[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
      out[i + 2] = clamp(y + 1.772 * cb);
    }
  return out;
}

const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

/** The sample precision of a JPEG's first start-of-frame (8 for baseline, 8 or 12 for extended), or 0 if none. */
function jpegPrecision(b: Uint8Array): number {
  for (let o = 2; o + 4 < b.length; ) {
    if (b[o] !== 0xff) return 0;
    const marker = b[o + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[o + 4];
    o += 2 + ((b[o + 2] << 8) | b[o + 3]);
  }
  return 0;
}

// dcmjs-codecs (DCMTK's IJG codecs in WebAssembly) for 12-bit JPEG, which the libjpeg-turbo codec cannot decode;
// loaded on the first such file only.
interface Jpeg12Codecs {
  NativeCodecs: {
    initializeAsync(opts?: object): Promise<void>;
    decodeJpeg(context: object, parameters?: object): { getDecodedBuffer(): Uint8Array | undefined };
  };
  Context: new (attrs: object) => object;
}
let jpeg12: Promise<Jpeg12Codecs> | null = null;

/**
 * A 12-bit JPEG frame (JPEG extended, process 4) to its samples. The IJG codec fills in missing or damaged data
 * without an error (it only logs a warning), so the frame's structure and Huffman codes are checked first, as for
 * a JPEG file.
 */
async function decodeJpeg12(encoded: Uint8Array, px: PixelModule, uid: string): Promise<Uint16Array> {
  if (px.samples !== 1)
    throw problem(
      `its transfer syntax ${uid} (${SYNTAXES[uid].name}) holds 12-bit colour JPEG, which medcnn does not read; convert it, e.g. with dcmtk's 'dcmdjpeg'`,
      `転送構文 ${uid}（${SYNTAXES[uid].name}）の 12 ビットのカラー JPEG には対応していません。dcmtk の 'dcmdjpeg' などで変換してください`,
    );
  const damaged = imageDataProblem(encoded);
  if (damaged)
    throw new DicomProblem({ en: `its JPEG image data: ${damaged.en}`, ja: `JPEG 画像データ：${damaged.ja}` });
  if (!jpeg12) {
    const codecs = require('dcmjs-codecs') as Jpeg12Codecs;
    jpeg12 = codecs.NativeCodecs.initializeAsync({ logCodecsInfo: false, logCodecsTrace: false }).then(() => codecs);
  }
  const { NativeCodecs, Context } = await jpeg12;
  const context = new Context({
    width: px.columns,
    height: px.rows,
    bitsAllocated: px.bitsAllocated,
    bitsStored: px.bitsStored,
    samplesPerPixel: 1,
    pixelRepresentation: px.signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: px.photometric,
    encodedBuffer: encoded,
  });
  const bytes = NativeCodecs.decodeJpeg(context).getDecodedBuffer();
  const n = px.rows * px.columns;
  if (!bytes || bytes.length !== n * 2)
    throw problem(
      `its 12-bit JPEG decodes to ${bytes?.length ?? 0} bytes where ${px.columns}×${px.rows} samples of 2 bytes are needed; the file is damaged`,
      `12 ビット JPEG を復号すると ${bytes?.length ?? 0} バイトですが、${px.columns}×${px.rows} 個 × 2 バイト必要です。ファイルが壊れています`,
    );
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
