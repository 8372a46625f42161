import type { TransformName } from './types.js';

/**
 * Presets' geometric magnitudes at small input sizes. A preset states rotation, shift and zoom as the
 * anatomy's own variation (degrees, fractions of the field), which is the same at every size; but at 28 px a
 * nodule, a lesion margin or a nucleus is a few pixels wide, and moving it by two pixels, with the bilinear
 * resampling that blurs it, changes it far more than the same move does at 224 px. So each of a preset's
 * geometric transforms is shrunk until it moves a point at the middle of an edge (half the size from the
 * centre) by at most (S/28)² pixels: 1 px at 28, 5.2 px at 64, 21 px at 128 — from 128 px on, no preset
 * value reaches it. Where the modality has no up or down (rotation allowed to 180°: fundus, dermoscopy,
 * pathology, blood cells), a rotation puts nothing out of its place, so it is kept. Explicit values
 * (`--augment translate:0.06`) are what the user asked for and are never scaled; flips, quarter turns and
 * intensity transforms move nothing by a fraction of a pixel and are kept.
 */

/** The size the rule is anchored at: MedMNIST's smallest images, where a preset may move a point by 1 pixel. */
export const SMALLEST_SIZE = 28;

/** At most how far, in pixels, a preset's geometric transform may move a point at an edge's middle, at size S. */
export function maxEdgeShiftPixels(size: number): number {
  return (size / SMALLEST_SIZE) ** 2;
}

/**
 * How far, in pixels, the strongest draw of a transform moves a point at an edge's middle of an S-pixel image
 * (a chord for rotation, the shift itself for translation, the magnified radius for zoom); null when it does not
 * move points by a continuous amount (flips, quarter turns, intensity).
 */
export function edgeShiftPixels(name: TransformName, value: number, size: number): number | null {
  if (name === 'rotate') return size * Math.sin((Math.min(value, 180) * Math.PI) / 360);
  if (name === 'translate') return value * size;
  if (name === 'zoom') return (value * size) / 2;
  return null;
}

/** Two significant digits, rounded down so the scaled value stays inside the limit. */
function floorTwoDigits(v: number): number {
  const unit = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Number((Math.floor(v / unit + 1e-9) * unit).toPrecision(2));
}

/**
 * A preset's magnitude for a transform at input size S (see the file comment); unchanged where it is within the
 * limit, and for rotations where the modality has no orientation.
 */
export function scaleForSize(
  name: TransformName,
  value: number,
  size: number,
  opts: { orientationFree?: boolean } = {},
): number {
  if (name === 'rotate' && opts.orientationFree) return value;
  const shift = edgeShiftPixels(name, value, size);
  const limit = maxEdgeShiftPixels(size);
  if (shift === null || shift <= limit) return value;
  if (name === 'rotate') return floorTwoDigits((360 / Math.PI) * Math.asin(Math.min(1, limit / size)));
  return floorTwoDigits((value * limit) / shift);
}
