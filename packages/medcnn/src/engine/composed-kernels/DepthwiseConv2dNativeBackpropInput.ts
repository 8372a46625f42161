import * as tf from '@tensorflow/tfjs-core';
import { KernelComposer } from './compose.js';

/**
 * dx: each filter tap (i, j) sends Σ_m dy[c·M+m]·W[i,j,c,m] back to the input pixels it read. The
 * contribution is spread to the stride grid by zero-interleaving, shifted to the tap's offset by
 * padding, summed over taps, and the convolution's padding is cut away at the end.
 */
export const depthwiseConv2dNativeBackpropInputConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as {
      strides: [number, number] | number;
      dilations: [number, number] | number;
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const fshape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, fshape, strides, dilations, pad, dimRoundingMode, true);
    const k = new KernelComposer(backend as tf.KernelBackend, backendName);
    try {
      const [kh, kw, c, m] = fshape;
      const [b, inH, inW] = inputShape;
      const {
        outHeight: oh,
        outWidth: ow,
        strideHeight: sh,
        strideWidth: sw,
        dilationHeight: dh,
        dilationWidth: dw,
      } = info;
      const { top, left } = info.padInfo;
      const canvasH = Math.max(top + inH, (kh - 1) * dh + oh * sh);
      const canvasW = Math.max(left + inW, (kw - 1) * dw + ow * sw);
      const g = k.reshape(dy, [b, oh, ow, c, m]);
      const w = k.reshape(filter, [kh * kw, c, m]);
      let sum: tf.TensorInfo | null = null;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const tap = k.run(tf.Slice, { x: w }, { begin: [i * kw + j, 0, 0], size: [1, c, m] });
          const wij = k.reshape(tap, [1, 1, 1, c, m]);
          const contrib = k.run(tf.Sum, { x: k.run(tf.Multiply, { a: g, b: wij }) }, { axis: [4], keepDims: false });
          let spread = contrib;
          if (sh > 1 || sw > 1) {
            const six = k.reshape(contrib, [b, oh, 1, ow, 1, c]);
            const padded = k.run(
              tf.PadV2,
              { x: six },
              {
                paddings: [
                  [0, 0],
                  [0, 0],
                  [0, sh - 1],
                  [0, 0],
                  [0, sw - 1],
                  [0, 0],
                ],
                constantValue: 0,
              },
            );
            spread = k.reshape(padded, [b, oh * sh, ow * sw, c]);
          }
          const placed = k.run(
            tf.PadV2,
            { x: spread },
            {
              paddings: [
                [0, 0],
                [i * dh, canvasH - i * dh - oh * sh],
                [j * dw, canvasW - j * dw - ow * sw],
                [0, 0],
              ],
              constantValue: 0,
            },
          );
          sum = sum === null ? placed : k.run(tf.Add, { a: sum, b: placed });
        }
      }
      const dx = k.run(tf.Slice, { x: sum! }, { begin: [0, top, left, 0], size: [b, inH, inW, c] });
      k.freeAll([dx]);
      return dx;
    } catch (e) {
      k.freeAll();
      throw e;
    }
  },
});
