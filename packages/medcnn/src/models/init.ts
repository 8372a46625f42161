import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * PyTorch's default initialisation for Conv2d and Linear: weights and biases uniform in ±1/√fan_in.
 * Used so medcnn's models start where the tutorial's PyTorch models start.
 */
export function torchKernelInit(): Initializer {
  return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' });
}

/** PyTorch's default bias initialisation: uniform in ±1/√fan_in. */
export function torchBiasInit(fanIn: number): Initializer {
  const bound = 1 / Math.sqrt(fanIn);
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound });
}

/** BatchNorm as PyTorch defines it (momentum 0.1 there = 0.9 here, eps 1e-5). */
export function torchBatchNorm(name?: string): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name });
}
