import * as tf from '@tensorflow/tfjs-core';
import { KernelComposer, padForConv, tapWindow } from './compose.js';

/** dW[i,j,c,m] = Σ_pixels window_ij(x)[c] · dy[c·M+m], one tap at a time, from the backend's Mul and Sum. */
export const depthwiseConv2dNativeBackpropFilterConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      dilations: [number, number] | number;
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const k = new KernelComposer(backend as tf.KernelBackend, backendName);
    try {
      const [kh, kw, c, m] = filterShape;
      const rows = info.batchSize * info.outHeight * info.outWidth;
      const xp = padForConv(k, x, info);
      const g = k.reshape(dy, [rows, c, m]);
      const perTap: tf.TensorInfo[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const win = k.reshape(tapWindow(k, xp, info, i, j), [rows, c, 1]);
          const prod = k.run(tf.Multiply, { a: win, b: g });
          perTap.push(k.run(tf.Sum, { x: prod }, { axis: [0], keepDims: true }));
        }
      }
      const all = perTap.length === 1 ? perTap[0] : k.run(tf.Concat, perTap, { axis: 0 });
      const dw = k.reshape(all, filterShape);
      k.freeAll([dw]);
      return dw;
    } catch (e) {
      k.freeAll();
      throw e;
    }
  },
});
