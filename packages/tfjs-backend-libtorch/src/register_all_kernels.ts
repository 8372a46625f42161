/**
 * Every native kernel: the families of one-line kernels, each a table in one file (unary, binary, compare,
 * reduce), and the kernels with logic of their own, one file each under kernels/.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';

import { binaryKernels } from './kernels/binary.js';
import { compareKernels } from './kernels/compare.js';
import { reduceKernels } from './kernels/reduce.js';
import { unaryKernels } from './kernels/unary.js';
import { addNConfig } from './kernels/AddN.js';
import { avgPoolConfig } from './kernels/AvgPool.js';
import { avgPoolGradConfig } from './kernels/AvgPoolGrad.js';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { castConfig } from './kernels/Cast.js';
import { concatConfig } from './kernels/Concat.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { depthwiseConv2dNativeConfig } from './kernels/DepthwiseConv2dNative.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/DepthwiseConv2dNativeBackpropInput.js';
import { fillConfig } from './kernels/Fill.js';
import { flipLeftRightConfig } from './kernels/FlipLeftRight.js';
import { fusedBatchNormConfig } from './kernels/FusedBatchNorm.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { fusedDepthwiseConv2DConfig } from './kernels/FusedDepthwiseConv2D.js';
import { gatherV2Config } from './kernels/GatherV2.js';
import { identityConfig } from './kernels/Identity.js';
import { libtorchAdamConfig } from './kernels/LibtorchAdam.js';
import { libtorchBatchNormTrainingConfig } from './kernels/LibtorchBatchNormTraining.js';
import { libtorchBatchNormTrainingGradConfig } from './kernels/LibtorchBatchNormTrainingGrad.js';
import { libtorchDropoutMaskConfig } from './kernels/LibtorchDropoutMask.js';
import { libtorchFusedBatchNormGradConfig } from './kernels/LibtorchFusedBatchNormGrad.js';
import { libtorchIntensityConfig } from './kernels/LibtorchIntensity.js';
import { libtorchGeluGradConfig, libtorchSiluGradConfig } from './kernels/LibtorchActivationGrad.js';
import { libtorchMeanGradConfig } from './kernels/LibtorchMeanGrad.js';
import { libtorchRandomNormalConfig } from './kernels/LibtorchRandomNormal.js';
import { libtorchMomentumConfig, libtorchSgdConfig } from './kernels/LibtorchSgd.js';
import { maxPoolConfig } from './kernels/MaxPool.js';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad.js';
import { oneHotConfig } from './kernels/OneHot.js';
import { packConfig } from './kernels/Pack.js';
import { padV2Config } from './kernels/PadV2.js';
import { reshapeConfig } from './kernels/Reshape.js';
import { resizeBilinearConfig } from './kernels/ResizeBilinear.js';
import { resizeBilinearGradConfig } from './kernels/ResizeBilinearGrad.js';
import { reverseConfig } from './kernels/Reverse.js';
import { selectConfig } from './kernels/Select.js';
import { sliceConfig } from './kernels/Slice.js';
import { softmaxConfig } from './kernels/Softmax.js';
import { splitVConfig } from './kernels/SplitV.js';
import { tileConfig } from './kernels/Tile.js';
import { transformConfig } from './kernels/Transform.js';
import { transposeConfig } from './kernels/Transpose.js';
import { unpackConfig } from './kernels/Unpack.js';
import { fusedMatMulConfig } from './kernels/_FusedMatMul.js';

export const nativeKernels: KernelConfig[] = [
  ...unaryKernels,
  ...binaryKernels,
  ...compareKernels,
  ...reduceKernels,
  addNConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  fillConfig,
  flipLeftRightConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  fusedDepthwiseConv2DConfig,
  gatherV2Config,
  identityConfig,
  libtorchAdamConfig,
  libtorchBatchNormTrainingConfig,
  libtorchBatchNormTrainingGradConfig,
  libtorchFusedBatchNormGradConfig,
  libtorchIntensityConfig,
  libtorchMeanGradConfig,
  libtorchSiluGradConfig,
  libtorchGeluGradConfig,
  libtorchMomentumConfig,
  libtorchRandomNormalConfig,
  libtorchDropoutMaskConfig,
  libtorchSgdConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  oneHotConfig,
  packConfig,
  padV2Config,
  reshapeConfig,
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  reverseConfig,
  selectConfig,
  sliceConfig,
  softmaxConfig,
  splitVConfig,
  tileConfig,
  transformConfig,
  transposeConfig,
  unpackConfig,
  fusedMatMulConfig,
];
