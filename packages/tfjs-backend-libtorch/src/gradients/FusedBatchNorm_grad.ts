/** FusedBatchNorm gradient: each of dx, dmean, dvariance, dscale, doffset is one native call. */
import { engine, FusedBatchNorm, type NamedAttrMap, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';

import { overrideGradient } from './override.js';

export function registerFusedBatchNormGrad(): void {
  overrideGradient(FusedBatchNorm, (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved;
    const inputs: NamedTensorMap = { dy: dy as Tensor, x, mean, variance };
    if (scale) inputs.scale = scale;
    // One call per gradient: tfjs runs each thunk in its own tidy, so outputs cannot be shared.
    const grad = (which: number) => () =>
      engine().runKernel('LibtorchFusedBatchNormGrad', inputs, { ...attrs, which } as NamedAttrMap) as Tensor;
    return { x: grad(0), mean: grad(1), variance: grad(2), scale: grad(3), offset: grad(4) };
  });
}
