import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';

/** The gradient kernels TF.js's wasm backend leaves out (tfjs issue 8474), composed from its own kernels. */
export const wasmTrainingKernels: tf.KernelConfig[] = [
  conv2DBackpropFilterConfig('wasm'),
  depthwiseConv2dNativeBackpropFilterConfig('wasm'),
  depthwiseConv2dNativeBackpropInputConfig('wasm'),
];

/** Registers the missing wasm training kernels once (skipping any a newer tfjs already has). */
export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
}

/**
 * The cpu backend has a filter gradient, but it reads every element through TensorBuffer.get: three
 * quarters of a SimpleCNN step on cpu went there (~28 min an epoch). The composed one is a single matrix
 * product in the backend's blocked matMul.
 */
export const cpuTrainingKernels: tf.KernelConfig[] = [conv2DBackpropFilterConfig('cpu')];

/** Puts the composed cpu kernels in place of tfjs-backend-cpu's own (once). */
export function registerCpuTrainingKernels(): void {
  for (const config of cpuTrainingKernels) {
    if (tf.getKernel(config.kernelName, 'cpu')?.kernelFunc === config.kernelFunc) continue;
    if (tf.getKernel(config.kernelName, 'cpu')) tf.unregisterKernel(config.kernelName, 'cpu');
    tf.registerKernel(config);
  }
}
