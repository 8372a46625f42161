import * as tf from '@tensorflow/tfjs-core';
import type { AugmentFn } from './types.js';
import { composeAffine } from './transforms/geometry.js';
import {
  IDENTITY,
  type Affine,
  type BatchInfo,
  type GeometricTransform,
  type PhotometricDraw,
  type PhotometricTransform,
  type Transform,
} from './types.js';

/**
 * How pixels moved in from outside the image are filled: a mirror of the image (the crops fill their frame, so a
 * few mirrored pixels look real where black wedges would not), or black (a fundus photograph's own background).
 */
export type FillMode = 'black' | 'reflect';

export interface PipelineOptions {
  fill: FillMode;
  /** Values of black and white in the normalised input (the tutorial's normalisation: −1 and +1). */
  black: number;
  white: number;
}

function isIdentity(m: Affine): boolean {
  return m.every((v, i) => Math.abs(v - IDENTITY[i]) < 1e-12);
}

/** Reflects an integer pixel index into [0, len): … 2 1 0 | 0 1 2 … len−1 | len−1 len−2 … */
function reflectIndex(v: number, len: number): number {
  if (len === 1) return 0;
  const period = 2 * len;
  const m = ((v % period) + period) % period;
  return m < len ? m : period - 1 - m;
}

/** tf.image.transform's rows: each centred affine map in pixel coordinates (output (col, row) → input). */
function transformRows(maps: Affine[], info: BatchInfo): Float32Array {
  const cx = (info.width - 1) / 2;
  const cy = (info.height - 1) / 2;
  const rows = new Float32Array(info.n * 8);
  maps.forEach(([a, b, c, d, e, f], i) =>
    rows.set([a, b, c + cx - a * cx - b * cy, d, e, f + cy - d * cx - e * cy, 0, 0], i * 8),
  );
  return rows;
}

/** Whether the backend keeps tensors in host memory: libtorch may place them on a GPU (its addon's device). */
function onHostMemory(): boolean {
  const addon = (tf.backend() as { addon?: { getDevice?: () => string } }).addon;
  return addon?.getDevice === undefined || addon.getDevice() === 'cpu';
}

/**
 * Resamples every image once with its own affine map: bilinear, exact for flips and quarter turns. Where the
 * backend has its own Transform kernel (libtorch, wasm, webgl) this is tf.image.transform, one pass. On the cpu
 * backend it is a gather of the four source pixels worked out here, because tfjs-backend-cpu 4.22's Transform
 * kernel fills only the first image of a batch, and on libtorch on a GPU, where the Transform kernel cannot run.
 * (The two differ slightly at the border in reflect mode; each is deterministic.)
 */
function resample(x: tf.Tensor4D, maps: Affine[], info: BatchInfo, opts: PipelineOptions): tf.Tensor4D {
  if (maps.every(isIdentity)) return x;
  const backend = tf.getBackend();
  if (backend !== 'cpu' && onHostMemory() && tf.getKernel('Transform', backend) !== undefined) {
    return tf.image.transform(
      x,
      tf.tensor2d(transformRows(maps, info), [info.n, 8]),
      'bilinear',
      opts.fill === 'black' ? 'constant' : 'reflect',
      opts.fill === 'black' ? opts.black : 0,
    ) as tf.Tensor4D;
  }
  const { n, height: h, width: w, channels: c } = info;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const taps = n * h * w * 4;
  const index = new Int32Array(taps);
  const weight = new Float32Array(taps);
  const fillRow = n * h * w; // a row of black appended after the pixels, for taps that fall outside
  const black = opts.fill === 'black';
  let k = 0;
  maps.forEach(([a, b, c0, d, e, f], img) => {
    const base = img * h * w;
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        const sx = a * (ox - cx) + b * (oy - cy) + c0 + cx;
        const sy = d * (ox - cx) + e * (oy - cy) + f + cy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let t = 0; t < 4; t++) {
          let xx = x0 + (t & 1);
          let yy = y0 + (t >> 1);
          weight[k] = (t & 1 ? fx : 1 - fx) * (t >> 1 ? fy : 1 - fy);
          if (black) {
            index[k] = xx < 0 || yy < 0 || xx >= w || yy >= h ? fillRow : base + yy * w + xx;
          } else {
            xx = reflectIndex(xx, w);
            yy = reflectIndex(yy, h);
            index[k] = base + yy * w + xx;
          }
          k++;
        }
      }
    }
  });
  let flat = tf.reshape(x, [n * h * w, c]) as tf.Tensor2D;
  if (black) flat = tf.concat([flat, tf.fill([1, c], opts.black)], 0);
  const picked = tf.gather(flat, tf.tensor1d(index, 'int32'));
  const mixed = tf.sum(tf.reshape(tf.mul(picked, tf.tensor2d(weight, [taps, 1])), [n * h * w, 4, c]), 1);
  return tf.reshape(mixed, [n, h, w, c]) as tf.Tensor4D;
}

/** The native backend's kernel that runs a chain of photometric steps in one call (tfjs-backend-libtorch). */
const NATIVE_INTENSITY = 'LibtorchIntensity';

function isPhotometric(t: Transform): t is PhotometricTransform {
  return t.kind === 'intensity' && 'draw' in t;
}

/** Applies drawn photometric transforms in order: one native call where the backend has it, else each with tfjs ops. */
function applyPhotometric(
  x: tf.Tensor4D,
  run: { t: PhotometricTransform; draw: PhotometricDraw }[],
  info: BatchInfo,
): tf.Tensor4D {
  if (!tf.getKernel(NATIVE_INTENSITY, tf.getBackend()))
    return run.reduce((y, { t, draw }) => t.applyDrawn(y, info, draw), x);
  const values = new Float32Array(run.length * info.n);
  run.forEach(({ draw }, i) => values.set(draw.values, i * info.n));
  return tf.engine().runKernel(
    NATIVE_INTENSITY,
    { x, values: tf.tensor2d(values, [run.length, info.n]) },
    {
      black: info.black,
      white: info.white,
      codes: run.map(({ t }) => t.code),
      seeds: run.map(({ draw }) => draw.seed),
    },
  ) as tf.Tensor4D;
}

/**
 * Chains transforms into one augmentation function. Neighbouring geometric transforms are fused into one
 * affine map per image, so a rotate → zoom → flip chain interpolates once, not three times; neighbouring
 * photometric ones run as one native call where the backend has it. Randomness is drawn from the trainer's
 * generator in a fixed order: transform by transform, image by image.
 */
export function composeTransforms(transforms: Transform[], opts: PipelineOptions): AugmentFn {
  return (input, rng) =>
    tf.tidy(() => {
      const [n, height, width, channels] = input.shape;
      const info: BatchInfo = { n, height, width, channels, black: opts.black, white: opts.white };
      let x = input;
      let pendingMaps: Affine[] | null = null;
      let pendingPhotometric: { t: PhotometricTransform; draw: PhotometricDraw }[] = [];
      const flush = (): void => {
        if (pendingMaps) x = resample(x, pendingMaps, info, opts);
        if (pendingPhotometric.length > 0) x = applyPhotometric(x, pendingPhotometric, info);
        pendingMaps = null;
        pendingPhotometric = [];
      };
      for (const t of transforms) {
        if (t.kind === 'geometric') {
          if (pendingPhotometric.length > 0) flush();
          const maps = (t as GeometricTransform).sample(info, rng);
          pendingMaps = pendingMaps ? pendingMaps.map((m, i) => composeAffine(m, maps[i])) : maps;
        } else if (isPhotometric(t)) {
          if (pendingMaps) flush();
          pendingPhotometric.push({ t, draw: t.draw(info, rng) });
        } else {
          flush();
          x = t.apply(x, info, rng);
        }
      }
      flush();
      return x === input ? input.clone() : x;
    });
}
