/** The gradient overrides that libtorch uses (see override.ts). */
import { registerFusedBatchNormGrad } from './FusedBatchNorm_grad.js';
import { registerMeanGrad } from './Mean_grad.js';
import { registerReluGrads } from './Relu_grad.js';
import { registerTileGrad } from './Tile_grad.js';

export function registerLibtorchGradients(): void {
  registerFusedBatchNormGrad();
  registerReluGrads();
  registerMeanGrad();
  registerTileGrad();
}
