/** Mean gradient: dy broadcast over the reduced axes in one pass (tfjs builds a ones tensor, multiplies, divides). */
import { engine, Mean, type Tensor, util } from '@tensorflow/tfjs-core';

import { overrideGradient } from './override.js';

export function registerMeanGrad(): void {
  overrideGradient(Mean, (dy, [x], attrs) => ({
    x: () => {
      const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return engine().runKernel(
        'LibtorchMeanGrad',
        { dy: dy as Tensor },
        { count, expanded, shape: x.shape },
      ) as Tensor;
    },
  }));
}
