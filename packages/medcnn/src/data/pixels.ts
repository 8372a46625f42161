/**
 * From decoded pixels to the uint8 pixels a model takes, in plain TypeScript for the browser (medcnn serve's page),
 * which cannot use libvips: the twin of Node's decodeFitted (data/decode.ts), which also uses it for every image it
 * enlarges. And the checks of an image file's size and structure that Node and the page share.
 */
import type { Lang, Localized } from '../i18n/messages.js';

/** Images larger than this are refused before decoding: 64 megapixels, 16,384 pixels a side. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 16384;

/** Why an image of this size cannot be used, in `lang` (English by default), or null when it can. */
export function imageSizeProblem(width: number, height: number, lang: Lang = 'en'): string | null {
  if (!(width > 0 && height > 0)) return lang === 'ja' ? 'ピクセルがありません' : 'it has no pixels';
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    const mp = MAX_IMAGE_PIXELS / (1024 * 1024);
    return lang === 'ja'
      ? `${width}×${height} ピクセルあります。使えるのは一辺 ${MAX_IMAGE_SIDE} ピクセル以内、${mp} メガピクセル以内の画像です`
      : `it is ${width}×${height} pixels; images up to ${MAX_IMAGE_SIDE} pixels a side and ${mp} megapixels are accepted`;
  }
  return null;
}

/** How an image is brought to the model's size: pad (keep the aspect ratio, black borders), crop (keep it, cut the
 * centre), or stretch (ignore it). */
export type Fit = 'pad' | 'crop' | 'stretch';
export const FITS: readonly Fit[] = ['pad', 'crop', 'stretch'];

/**
 * Decoded pixels of any source (PNG, JPEG, DICOM, a canvas), interleaved: `channels` 1 (gray), 2 (gray + alpha),
 * 3 (RGB) or 4 (RGBA), on a 0…`maxValue` scale (255 for 8-bit, 65535 for 16-bit, 255 for DICOM after its window).
 * Alpha is ignored.
 */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: ArrayLike<number>;
  maxValue: number;
}

/** Whether every pixel of a raster is gray (red = green = blue), so that one channel holds it all. */
export function isGrayRaster(r: Raster): boolean {
  if (r.channels < 3) return true;
  const n = r.width * r.height;
  const d = r.data;
  for (let p = 0, o = 0; p < n; p++, o += r.channels) if (d[o] !== d[o + 1] || d[o] !== d[o + 2]) return false;
  return true;
}

/**
 * The preprocessing from decoded pixels to the uint8 pixels a model takes, as the browser page runs it (and Node for
 * an image it enlarges; libvips reduces the others, about one gray level apart): the pixels are scaled to 0…255, colour becomes grayscale (ITU-R 601 luma) for 1-channel models and
 * grayscale is repeated for 3-channel ones, and the image is fitted into outW×outH (`fit`: pad, crop or stretch).
 * Resampling is separable with a triangle (bilinear) filter widened by the shrink factor, so a large X-ray is
 * averaged down rather than sampled (no aliasing), as Pillow's bilinear resize does; an image already of the size is
 * copied as is.
 */
export function fitPixels(src: Raster, outW: number, outH: number, channels: 1 | 3, fit: Fit = 'stretch'): Uint8Array {
  const { width: w, height: h } = src;
  // The source region used (crop: the centre, of the output's aspect) and where it lands (pad: centred).
  let [x0, y0, sw, sh] = [0, 0, w, h];
  let [dx, dy, dw, dh] = [0, 0, outW, outH];
  if (fit === 'crop') {
    sw = Math.min(w, Math.max(1, Math.round((h * outW) / outH)));
    sh = Math.min(h, Math.max(1, Math.round((w * outH) / outW)));
    x0 = Math.floor((w - sw) / 2);
    y0 = Math.floor((h - sh) / 2);
  } else if (fit === 'pad') {
    const scale = Math.min(outW / w, outH / h);
    dw = Math.min(outW, Math.max(1, Math.round(w * scale)));
    dh = Math.min(outH, Math.max(1, Math.round(h * scale)));
    dx = Math.floor((outW - dw) / 2);
    dy = Math.floor((outH - dh) / 2);
  }
  // Work in the channels the output needs: luma first for a gray model (resampling is linear, so it commutes).
  const work = channels === 1 || src.channels < 3 ? 1 : 3;
  const plane = toWorkPlane(src, x0, y0, sw, sh, work);
  const small = resampleAxis(resampleAxis(plane, sw, sh, dw, true, work), dw, sh, dh, false, work);
  const out = new Uint8Array(outW * outH * channels);
  for (let y = 0; y < dh; y++)
    for (let x = 0; x < dw; x++) {
      const s = (y * dw + x) * work;
      const d = ((y + dy) * outW + x + dx) * channels;
      if (work === 1) for (let c = 0; c < channels; c++) out[d + c] = clampByte(small[s]);
      else for (let c = 0; c < 3; c++) out[d + c] = clampByte(small[s + c]);
    }
  return out;
}

/** The region of a raster as float pixels on 0…255, 1 (luma) or 3 (RGB) channels. */
function toWorkPlane(src: Raster, x0: number, y0: number, sw: number, sh: number, work: 1 | 3): Float32Array {
  const out = new Float32Array(sw * sh * work);
  const { data, channels: c, width } = src;
  const k = 255 / src.maxValue;
  for (let y = 0; y < sh; y++) {
    let s = ((y + y0) * width + x0) * c;
    let d = y * sw * work;
    for (let x = 0; x < sw; x++, s += c) {
      if (c < 3) out[d++] = data[s] * k;
      else if (work === 1) out[d++] = (0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2]) * k;
      else {
        out[d++] = data[s] * k;
        out[d++] = data[s + 1] * k;
        out[d++] = data[s + 2] * k;
      }
    }
  }
  return out;
}

/**
 * Resamples RGBA pixels (w×h, as a canvas gives them) to outW×outH with `channels` channels: fitPixels over a
 * canvas' pixels (stretched unless `fit` says otherwise).
 */
export function modelPixels(
  rgba: ArrayLike<number>,
  w: number,
  h: number,
  outW: number,
  outH: number,
  channels: 1 | 3,
  fit: Fit = 'stretch',
): Uint8Array {
  return fitPixels({ width: w, height: h, channels: 4, data: rgba, maxValue: 255 }, outW, outH, channels, fit);
}

function clampByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}

/** Resamples `ch`-channel float pixels (w×h) along x (to outLen×h) or along y (to w×outLen). */
function resampleAxis(
  src: Float32Array,
  w: number,
  h: number,
  outLen: number,
  alongX: boolean,
  ch: number,
): Float32Array {
  const inLen = alongX ? w : h;
  if (inLen === outLen) return src;
  const out = new Float32Array((alongX ? outLen * h : w * outLen) * ch);
  const scale = inLen / outLen;
  const support = Math.max(1, scale);
  // Each output's first input and normalised weights (a triangle widened by the shrink factor), computed once.
  const taps = Math.ceil(2 * support) + 2;
  const first = new Int32Array(outLen);
  const count = new Int32Array(outLen);
  const weights = new Float32Array(outLen * taps);
  for (let o = 0; o < outLen; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inLen, Math.ceil(centre + support));
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const wt = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
      weights[o * taps + i - lo] = wt;
      total += wt;
    }
    for (let k = 0; k < hi - lo; k++) weights[o * taps + k] /= total;
    first[o] = lo;
    count[o] = hi - lo;
  }
  if (alongX) {
    // Row by row, each output pixel from neighbouring input pixels of its row (memory read in order).
    for (let y = 0; y < h; y++) {
      const row = y * w * ch;
      const outRow = y * outLen * ch;
      for (let o = 0; o < outLen; o++) {
        const wo = o * taps;
        for (let c = 0; c < ch; c++) {
          let acc = 0;
          for (let k = 0, s = row + first[o] * ch + c; k < count[o]; k++, s += ch) acc += src[s] * weights[wo + k];
          out[outRow + o * ch + c] = acc;
        }
      }
    }
  } else {
    // Output row by output row, each the weighted sum of whole input rows.
    const rowLen = w * ch;
    for (let o = 0; o < outLen; o++) {
      const dst = o * rowLen;
      for (let k = 0; k < count[o]; k++) {
        const wt = weights[o * taps + k];
        const s = (first[o] + k) * rowLen;
        for (let x = 0; x < rowLen; x++) out[dst + x] += src[s + x] * wt;
      }
    }
  }
  return out;
}

/**
 * Scales uint8 pixels for the network: x = (v/255 − mean) / std — the one formula training, the CLI and the
 * browser page all use. Writes into `out` from `offset` when given (a batch being filled).
 */
export function normalizePixels(
  pixels: ArrayLike<number>,
  norm: { mean: number; std: number },
  out: Float32Array = new Float32Array(pixels.length),
  offset = 0,
): Float32Array {
  const scale = 1 / (255 * norm.std);
  const shift = norm.mean / norm.std;
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i] * scale - shift;
  return out;
}

/**
 * The kind and the width and height a PNG or JPEG declares in its header, read without decoding it (so a
 * huge or hostile image is refused before it takes memory); null when the bytes are neither.
 */
export function imageHeader(bytes: Uint8Array): { kind: 'png' | 'jpeg'; width: number; height: number } | null {
  const isPng = bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (isPng) {
    const u32 = (o: number): number =>
      ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
    return { kind: 'png', width: u32(16), height: u32(20) };
  }
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isJpeg) return null;
  // Walk the JPEG segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC), which holds the size.
  let o = 2;
  while (o + 9 < bytes.length) {
    if (bytes[o] !== 0xff) {
      o++;
      continue;
    }
    const marker = bytes[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    const length = (bytes[o + 2] << 8) | bytes[o + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { kind: 'jpeg', height: (bytes[o + 5] << 8) | bytes[o + 6], width: (bytes[o + 7] << 8) | bytes[o + 8] };
    }
    o += 2 + length;
  }
  return { kind: 'jpeg', width: 0, height: 0 };
}

/**
 * Why the bytes of a PNG or JPEG are not a whole, undamaged image (in each language), or null when they are: decoders quietly fill
 * what is missing, so a truncated X-ray would otherwise be classified as if it were whole. PNG: every chunk is
 * complete and passes its CRC, there is image data and an IEND chunk. JPEG: the segments are whole, the
 * Huffman-coded data of a baseline image hold exactly the blocks its header declares, and it ends with EOI.
 */
export function imageDataProblem(bytes: Uint8Array): Localized | null {
  const header = imageHeader(bytes);
  if (!header) return { en: 'it is not a PNG or JPEG image', ja: 'PNG でも JPEG でもありません' };
  return header.kind === 'png' ? pngProblem(bytes) : jpegProblem(bytes);
}

export const TRUNCATED: Localized = { en: 'the file is truncated', ja: 'ファイルが途中で切れています' };
export const DAMAGED: Localized = { en: 'the file is damaged', ja: 'ファイルが壊れています' };

/** What is wrong, then what that means for the file (TRUNCATED or DAMAGED), in each language. */
export const problem = (en: string, ja: string, verdict: Localized): Localized => ({
  en: `${en}; ${verdict.en}`,
  ja: `${ja}。${verdict.ja}`,
});

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngProblem(b: Uint8Array): Localized | null {
  const u32 = (o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  let idat = 0;
  for (let o = 8; o < b.length; ) {
    if (o + 12 > b.length)
      return problem('it ends inside a chunk header', 'チャンクヘッダーの中で終わっています', TRUNCATED);
    const length = u32(o);
    const type = String.fromCharCode(b[o + 4], b[o + 5], b[o + 6], b[o + 7]);
    if (o === 8 && type !== 'IHDR')
      return problem('it does not start with an IHDR chunk', 'IHDR チャンクで始まっていません', DAMAGED);
    if (length > b.length - o - 12)
      return problem(`its ${type} chunk is cut short`, `${type} チャンクが最後までありません`, TRUNCATED);
    if (crc32(b, o + 4, o + 8 + length) !== u32(o + 8 + length))
      return problem(
        `its ${type} chunk fails its checksum (CRC)`,
        `${type} チャンクのチェックサム（CRC）が合いません`,
        DAMAGED,
      );
    if (type === 'IDAT') idat++;
    if (type === 'IEND')
      return idat > 0
        ? null
        : problem('it has no image data (IDAT chunk)', '画像データ（IDAT チャンク）がありません', DAMAGED);
    o += 12 + length;
  }
  return problem('it has no IEND chunk at its end', '末尾に IEND チャンクがありません', TRUNCATED);
}

/**
 * A canonical Huffman table of a JPEG (ITU T.81, annex C): per code length, the codes' range and first value, and a
 * lookup of the codes up to LOOKAHEAD bits long: the value, then the bits to consume (LOOKUP_SHIFT on), flagged
 * LOOKUP_WHOLE when they include the coefficient's extra bits too; 0 for a longer code.
 */
interface Huffman {
  maxCode: Int32Array;
  minCode: Int32Array;
  valPtr: Int32Array;
  values: Uint8Array;
  lookup: Uint16Array;
}

const LOOKAHEAD = 12;
const LOOKUP_SHIFT = 8;
const LOOKUP_WHOLE = 0x2000;

function jpegProblem(b: Uint8Array): Localized | null {
  const u16 = (o: number): number => (b[o] << 8) | b[o + 1];
  const tables = new Map<number, Huffman>(); // class (0 DC, 1 AC) × 16 + id
  let frame: { width: number; height: number; comps: Map<number, { h: number; v: number }> } | null = null;
  let huffmanSequential = false;
  let restartInterval = 0;
  let scans = 0;
  const endsEarly = problem(
    'it ends before its end-of-image marker',
    '画像の終わりを示すマーカー（EOI）より前で終わっています',
    TRUNCATED,
  );
  let o = 2;
  for (;;) {
    if (o >= b.length) return endsEarly;
    if (b[o] !== 0xff)
      return problem(
        'it has stray bytes where a marker should be',
        'マーカーがあるべき位置に余分なバイトがあります',
        DAMAGED,
      );
    while (o < b.length && b[o] === 0xff) o++; // fill bytes
    if (o >= b.length) return endsEarly;
    const marker = b[o++];
    if (marker === 0xd9)
      return frame && scans > 0
        ? null
        : problem(
            'it has no image data (no frame or scan)',
            '画像データ（フレームまたはスキャン）がありません',
            DAMAGED,
          );
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // markers without a length
    if (o + 2 > b.length) return problem('it ends inside a segment', 'セグメントの途中で終わっています', TRUNCATED);
    const length = u16(o);
    if (length < 2 || o + length > b.length)
      return problem('a segment is cut short', 'セグメントが最後までありません', TRUNCATED);
    const seg = o + 2;
    o += length;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const comps = new Map<number, { h: number; v: number }>();
      for (let i = 0; i < b[seg + 5]; i++)
        comps.set(b[seg + 6 + i * 3], { h: b[seg + 7 + i * 3] >> 4, v: b[seg + 7 + i * 3] & 15 });
      frame = { height: u16(seg + 1), width: u16(seg + 3), comps };
      huffmanSequential = marker === 0xc0 || marker === 0xc1;
    } else if (marker === 0xc4) {
      for (let p = seg; p < o; ) {
        const counts = b.subarray(p + 1, p + 17);
        const total = counts.reduce((a, c) => a + c, 0);
        if (p + 17 + total > o)
          return problem('a Huffman table is cut short', 'ハフマンテーブルが途中で切れています', DAMAGED);
        const ac = ((b[p] >> 4) & 1) === 1;
        tables.set((ac ? 16 : 0) + (b[p] & 15), huffmanTable(counts, b.subarray(p + 17, p + 17 + total), ac));
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(seg);
    } else if (marker === 0xda) {
      if (!frame)
        return problem(
          'its image data come before its frame header',
          '画像データがフレームヘッダーより前にあります',
          DAMAGED,
        );
      scans++;
      const scan: { h: number; v: number; dc?: Huffman; ac?: Huffman }[] = [];
      for (let i = 0; i < b[seg]; i++) {
        const comp = frame.comps.get(b[seg + 1 + i * 2]);
        if (!comp)
          return problem(
            'a scan names a component the frame does not have',
            'スキャンが、フレームにないコンポーネントを指定しています',
            DAMAGED,
          );
        const t = b[seg + 2 + i * 2];
        scan.push({ ...comp, dc: tables.get(t >> 4), ac: tables.get(16 + (t & 15)) });
      }
      const end =
        huffmanSequential && frame.width > 0 && frame.height > 0
          ? walkHuffmanScan(b, o, frame, scan, restartInterval)
          : skipEntropyData(b, o);
      if (typeof end !== 'number') return end;
      o = end;
    }
  }
}

function huffmanTable(counts: Uint8Array, values: Uint8Array, ac: boolean): Huffman {
  const t: Huffman = {
    maxCode: new Int32Array(18),
    minCode: new Int32Array(17),
    valPtr: new Int32Array(17),
    values,
    lookup: new Uint16Array(1 << LOOKAHEAD),
  };
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    t.valPtr[len] = k;
    t.minCode[len] = code;
    for (let n = 0; n < counts[len - 1] && len <= LOOKAHEAD; n++) {
      const first = (code + n) << (LOOKAHEAD - len);
      const value = values[k + n];
      const extra = ac ? value & 15 : value; // the bits of the coefficient that follow the code
      const entry =
        len + extra <= LOOKAHEAD
          ? ((len + extra) << LOOKUP_SHIFT) | LOOKUP_WHOLE | value
          : (len << LOOKUP_SHIFT) | value;
      t.lookup.fill(entry, first, first + (1 << (LOOKAHEAD - len)));
    }
    code += counts[len - 1];
    k += counts[len - 1];
    t.maxCode[len] = counts[len - 1] ? code - 1 : -1;
    code <<= 1;
  }
  t.maxCode[17] = 0x7fffffff; // a sentinel: no code is longer than 16 bits
  return t;
}

/** The offset of the first marker after entropy-coded data (restart markers are part of the data). */
function skipEntropyData(b: Uint8Array, o: number): number | Localized {
  for (; o + 1 < b.length; o++)
    if (b[o] === 0xff && b[o + 1] !== 0 && !(b[o + 1] >= 0xd0 && b[o + 1] <= 0xd7)) return o;
  return problem('its image data end without a marker', '画像データがマーカーのないまま終わっています', TRUNCATED);
}

/**
 * Reads the Huffman codes of a sequential scan without decoding the pixels: every block of every MCU the frame
 * declares must be there, with restart markers where due, and a marker right after. Returns where that marker
 * is, or what is wrong. Up to 30 bits are buffered and codes are looked up LOOKAHEAD bits at a time, as fast
 * decoders do, since every image file is read this way before it is decoded.
 */
function walkHuffmanScan(
  b: Uint8Array,
  start: number,
  frame: { width: number; height: number; comps: Map<number, { h: number; v: number }> },
  scan: { h: number; v: number; dc?: Huffman; ac?: Huffman }[],
  restartInterval: number,
): number | Localized {
  if (scan.some((c) => !c.dc || !c.ac))
    return problem(
      'its image data use a Huffman table it does not define',
      '画像データが、定義されていないハフマンテーブルを使っています',
      DAMAGED,
    );
  const hMax = Math.max(...[...frame.comps.values()].map((c) => c.h));
  const vMax = Math.max(...[...frame.comps.values()].map((c) => c.v));
  // One component alone is coded block by block; several are interleaved in MCUs of h×v blocks each.
  const single = scan.length === 1;
  const units = single
    ? Math.ceil(Math.ceil((frame.width * scan[0].h) / hMax) / 8) *
      Math.ceil(Math.ceil((frame.height * scan[0].v) / vMax) / 8)
    : Math.ceil(frame.width / (8 * hMax)) * Math.ceil(frame.height / (8 * vMax));
  // The blocks of one MCU, in order, with their tables.
  const blocks: { dc: Huffman; ac: Huffman }[] = [];
  for (const c of scan) for (let k = single ? 1 : c.h * c.v; k > 0; k--) blocks.push({ dc: c.dc!, ac: c.ac! });
  const n = b.length;
  let pos = start;
  let buf = 0; // the next `cnt` bits of the data, in its low bits (at most 30: a small integer to V8)
  let cnt = 0;
  const END = problem(
    'its image data end before all of the image',
    '画像データが画像の途中で終わっています',
    TRUNCATED,
  );
  const BAD = problem(
    'its image data hold an invalid Huffman code',
    '画像データに不正なハフマン符号があります',
    DAMAGED,
  );
  // One loop with local state (this runs over every image's data): per block, a DC code and its bits, then AC codes
  // (run/size) and their bits to the end of the block. Bytes are loaded while they fit (a stuffed 0xFF00 is one 0xFF
  // byte), up to a marker or the file's end; a code is looked up LOOKAHEAD bits at a time, else read bit by bit.
  for (let u = 0; u < units; u++) {
    if (restartInterval > 0 && u > 0 && u % restartInterval === 0) {
      // Only the padding of the last byte may be left before a restart marker.
      if (cnt >= 8 || b[pos] !== 0xff || b[pos + 1] !== 0xd0 + ((u / restartInterval - 1) & 7))
        return problem(
          'a restart marker is missing from its image data',
          '画像データにリスタートマーカーが欠けています',
          DAMAGED,
        );
      cnt = 0;
      pos += 2;
    }
    for (let k = 0; k < blocks.length; k++) {
      const block = blocks[k];
      let t = block.dc;
      let lookup = t.lookup;
      // i: the next coefficient (0: the DC difference, then AC 1…63).
      for (let i = 0; i < 64; ) {
        if (cnt < 16)
          while (cnt <= 22 && pos < n) {
            const byte = b[pos];
            if (byte === 0xff) {
              if (pos + 1 >= n || b[pos + 1] !== 0) break;
              pos += 2;
            } else pos++;
            buf = ((buf & ((1 << cnt) - 1)) << 8) | byte;
            cnt += 8;
          }
        let sym: number;
        const hit = cnt >= LOOKAHEAD ? lookup[(buf >>> (cnt - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)] : 0;
        if (hit & LOOKUP_WHOLE) {
          // The common case: the code and the coefficient's bits within the lookahead, consumed at once.
          cnt -= (hit >> LOOKUP_SHIFT) & 31;
          sym = hit & 0xff;
        } else {
          if (hit) {
            cnt -= (hit >> LOOKUP_SHIFT) & 31;
            sym = hit & 0xff;
          } else {
            sym = -1;
            let code = 0;
            for (let len = 1; len <= 16 && sym < 0; len++) {
              if (cnt === 0) return END;
              cnt--;
              code = (code << 1) | ((buf >>> cnt) & 1);
              if (code <= t.maxCode[len]) sym = t.values[t.valPtr[len] + code - t.minCode[len]];
            }
            if (sym < 0) return BAD;
          }
          // The coefficient's extra bits (DC: sym of them; AC: the low four bits of run/size).
          const extra = i === 0 ? sym : sym & 15;
          if (cnt < extra) {
            while (cnt <= 22 && pos < n) {
              const byte = b[pos];
              if (byte === 0xff) {
                if (pos + 1 >= n || b[pos + 1] !== 0) break;
                pos += 2;
              } else pos++;
              buf = ((buf & ((1 << cnt) - 1)) << 8) | byte;
              cnt += 8;
            }
            if (cnt < extra) return END;
          }
          cnt -= extra;
        }
        if (i === 0) {
          t = block.ac;
          lookup = t.lookup;
          i = 1;
        } else if ((sym & 15) !== 0) i += (sym >> 4) + 1;
        else if (sym === 0xf0)
          i += 16; // a run of 16 zeros
        else break; // end of block
      }
    }
  }
  // Only the padding of the last byte may be left, and a marker must follow.
  if (cnt >= 8 || (pos < n && b[pos] !== 0xff))
    return problem(
      'its image data run on past the image its header declares',
      '画像データが、ヘッダーの示す画像の大きさを超えて続いています',
      DAMAGED,
    );
  return pos;
}
