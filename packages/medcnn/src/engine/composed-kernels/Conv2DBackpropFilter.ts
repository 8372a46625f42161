import * as tf from '@tensorflow/tfjs-core';
import { KernelComposer, padForConv, requireNHWC, tapWindow } from './compose.js';

/**
 * dW[i,j,:,:] = Σ_pixels window_ij(x)ᵀ · dy. The windows of all taps are laid side by side (im2col),
 * so the whole gradient is one matrix product, which wasm's XNNPACK and the cpu backend's blocked matMul do fast.
 */
export const conv2DBackpropFilterConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: 'Conv2DBackpropFilter',
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    requireNHWC('Conv2DBackpropFilter', backendName, dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const k = new KernelComposer(backend as tf.KernelBackend, backendName);
    try {
      const [kh, kw, cin, cout] = filterShape;
      const xp = padForConv(k, x, info);
      const taps: tf.TensorInfo[] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) taps.push(tapWindow(k, xp, info, i, j));
      const cols = taps.length === 1 ? taps[0] : k.run(tf.Concat, taps, { axis: 3 });
      const rows = info.batchSize * info.outHeight * info.outWidth;
      const a = k.reshape(cols, [1, rows, kh * kw * cin]);
      const b = k.reshape(dy, [1, rows, cout]);
      const prod = k.run(tf.BatchMatMul, { a, b }, { transposeA: true, transposeB: false });
      const dw = k.reshape(prod, filterShape);
      k.freeAll([dw]);
      return dw;
    } catch (e) {
      k.freeAll();
      throw e;
    }
  },
});
