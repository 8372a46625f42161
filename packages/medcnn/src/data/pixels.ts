/**
 * From decoded RGBA pixels to the uint8 pixels a model takes, in plain TypeScript so that Node (medcnn
 * predict, explain) and the browser (medcnn serve's page) compute exactly the same input from the same image.
 */

/** Images larger than this are refused before decoding: 64 megapixels, 16,384 pixels a side. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 16384;

/** Why an image of this size cannot be used, or null when it can. */
export function imageSizeProblem(width: number, height: number): string | null {
  if (!(width > 0 && height > 0)) return 'it has no pixels';
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `it is ${width}×${height} pixels; images up to ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / (1024 * 1024)} megapixels are accepted`;
  }
  return null;
}

/**
 * Resamples RGBA pixels (w×h) to outW×outH and returns uint8 pixels with `channels` channels: colour
 * becomes grayscale (ITU-R 601 luma) for 1-channel models, grayscale is repeated for 3-channel ones.
 * Resampling is separable with a triangle (bilinear) filter widened by the shrink factor, so a large
 * X-ray is averaged down rather than sampled (no aliasing); an image already of the size is copied as is.
 * Alpha is ignored.
 */
export function modelPixels(
  rgba: ArrayLike<number>,
  w: number,
  h: number,
  outW: number,
  outH: number,
  channels: 1 | 3,
): Uint8Array {
  const rgb = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    rgb[p * 3] = rgba[p * 4];
    rgb[p * 3 + 1] = rgba[p * 4 + 1];
    rgb[p * 3 + 2] = rgba[p * 4 + 2];
  }
  const wide = resampleAxis(rgb, w, h, outW, true);
  const small = resampleAxis(wide, outW, h, outH, false);
  const out = new Uint8Array(outW * outH * channels);
  for (let p = 0; p < outW * outH; p++) {
    const r = small[p * 3],
      g = small[p * 3 + 1],
      b = small[p * 3 + 2];
    if (channels === 1) out[p] = clampByte(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[p * 3] = clampByte(r);
      out[p * 3 + 1] = clampByte(g);
      out[p * 3 + 2] = clampByte(b);
    }
  }
  return out;
}

function clampByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}

/** Resamples 3-channel pixels (w×h) along x (to outLen×h) or along y (to w×outLen). */
function resampleAxis(src: Float32Array, w: number, h: number, outLen: number, alongX: boolean): Float32Array {
  const inLen = alongX ? w : h;
  if (inLen === outLen) return src;
  const out = new Float32Array((alongX ? outLen * h : w * outLen) * 3);
  const scale = inLen / outLen;
  const support = Math.max(1, scale);
  for (let o = 0; o < outLen; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inLen, Math.ceil(centre + support));
    const weights: number[] = [];
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const wt = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
      weights.push(wt);
      total += wt;
    }
    const lines = alongX ? h : w;
    for (let line = 0; line < lines; line++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = 0; k < weights.length; k++) {
        const i = lo + k;
        const s = (alongX ? line * w + i : i * w + line) * 3;
        r += src[s] * weights[k];
        g += src[s + 1] * weights[k];
        b += src[s + 2] * weights[k];
      }
      const d = (alongX ? line * outLen + o : o * w + line) * 3;
      out[d] = r / total;
      out[d + 1] = g / total;
      out[d + 2] = b / total;
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
  out = new Float32Array(pixels.length),
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
