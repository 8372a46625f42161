import * as tf from '@tensorflow/tfjs-core';

type Attrs = tf.NamedAttrMap;

/**
 * Runs other kernels of the same backend directly (not through the engine), so a kernel can be composed
 * from the backend's own kernels without recording anything on the gradient tape. Every intermediate is
 * freed with `free` or `freeAll`.
 */
export class KernelComposer {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs one kernel of the backend and remembers its output for freeAll(). */
  run(kernelName: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: Attrs = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`${this.backendName} backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    }) as tf.TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  /**
   * Frees every intermediate except the outputs in `keep`. Reshape shares its input's data and adds a
   * reference, so each output is released once by identity, never by data id.
   */
  freeAll(keep: tf.TensorInfo[] = []): void {
    for (const t of this.made) if (!keep.includes(t)) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/** The strided window of x (NHWC, already padded) that filter tap (i, j) sees for every output pixel. */
export function tapWindow(
  k: KernelComposer,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  i: number,
  j: number,
): tf.TensorInfo {
  const top = i * info.dilationHeight;
  const left = j * info.dilationWidth;
  const [b, , , c] = x.shape;
  return k.run(
    tf.StridedSlice,
    { x },
    {
      begin: [0, top, left, 0],
      end: [
        b,
        top + (info.outHeight - 1) * info.strideHeight + 1,
        left + (info.outWidth - 1) * info.strideWidth + 1,
        c,
      ],
      strides: [1, info.strideHeight, info.strideWidth, 1],
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    },
  );
}

/** Pads x (NHWC) with zeros as the convolution's padding says; returns x itself when there is none. */
export function padForConv(k: KernelComposer, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const p = info.padInfo;
  if (p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0) return x;
  return k.run(
    tf.PadV2,
    { x },
    {
      paddings: [
        [0, 0],
        [p.top, Math.max(0, p.bottom)],
        [p.left, Math.max(0, p.right)],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
}

/** Only NHWC is composed; say so plainly for anything else. */
export function requireNHWC(kernel: string, backendName: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(
      `${kernel} on ${backendName} (medcnn's composed kernel) supports only NHWC, got ${String(dataFormat)}`,
    );
  }
}
