/** Relu and Relu6 gradients: one masked copy of dy instead of step, cast and multiply. */
import { engine, Relu, Relu6, type Tensor } from '@tensorflow/tfjs-core';

import { overrideGradient } from './override.js';

export function registerReluGrads(): void {
  overrideGradient(Relu, (dy, [x]) => ({
    x: () => engine().runKernel('LibtorchReluGrad', { dy: dy as Tensor, x }) as Tensor,
  }));
  overrideGradient(Relu6, (dy, [x]) => ({
    x: () => engine().runKernel('LibtorchRelu6Grad', { dy: dy as Tensor, x }) as Tensor,
  }));
}
