/** Every native kernel, one file each under kernels/. */
import type { KernelConfig } from '@tensorflow/tfjs-core';

import { absConfig } from './kernels/Abs.js';
import { addConfig } from './kernels/Add.js';
import { addNConfig } from './kernels/AddN.js';
import { allConfig } from './kernels/All.js';
import { anyConfig } from './kernels/Any.js';
import { argMaxConfig } from './kernels/ArgMax.js';
import { argMinConfig } from './kernels/ArgMin.js';
import { atan2Config } from './kernels/Atan2.js';
import { avgPoolConfig } from './kernels/AvgPool.js';
import { avgPoolGradConfig } from './kernels/AvgPoolGrad.js';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { castConfig } from './kernels/Cast.js';
import { ceilConfig } from './kernels/Ceil.js';
import { clipByValueConfig } from './kernels/ClipByValue.js';
import { concatConfig } from './kernels/Concat.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { cosConfig } from './kernels/Cos.js';
import { depthwiseConv2dNativeConfig } from './kernels/DepthwiseConv2dNative.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/DepthwiseConv2dNativeBackpropInput.js';
import { eluConfig } from './kernels/Elu.js';
import { eluGradConfig } from './kernels/EluGrad.js';
import { equalConfig } from './kernels/Equal.js';
import { erfConfig } from './kernels/Erf.js';
import { expConfig } from './kernels/Exp.js';
import { expm1Config } from './kernels/Expm1.js';
import { fillConfig } from './kernels/Fill.js';
import { flipLeftRightConfig } from './kernels/FlipLeftRight.js';
import { floorConfig } from './kernels/Floor.js';
import { floorDivConfig } from './kernels/FloorDiv.js';
import { fusedBatchNormConfig } from './kernels/FusedBatchNorm.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { fusedDepthwiseConv2DConfig } from './kernels/FusedDepthwiseConv2D.js';
import { gatherV2Config } from './kernels/GatherV2.js';
import { greaterConfig } from './kernels/Greater.js';
import { greaterEqualConfig } from './kernels/GreaterEqual.js';
import { identityConfig } from './kernels/Identity.js';
import { isFiniteConfig } from './kernels/IsFinite.js';
import { isInfConfig } from './kernels/IsInf.js';
import { isNanConfig } from './kernels/IsNan.js';
import { leakyReluConfig } from './kernels/LeakyRelu.js';
import { lessConfig } from './kernels/Less.js';
import { lessEqualConfig } from './kernels/LessEqual.js';
import { libtorchFusedBatchNormGradConfig } from './kernels/LibtorchFusedBatchNormGrad.js';
import { libtorchMeanGradConfig } from './kernels/LibtorchMeanGrad.js';
import { libtorchRelu6GradConfig } from './kernels/LibtorchRelu6Grad.js';
import { libtorchAdamConfig } from './kernels/LibtorchAdam.js';
import { libtorchBatchNormTrainingConfig } from './kernels/LibtorchBatchNormTraining.js';
import { libtorchBatchNormTrainingGradConfig } from './kernels/LibtorchBatchNormTrainingGrad.js';
import { libtorchIntensityConfig } from './kernels/LibtorchIntensity.js';
import { libtorchRandomNormalConfig } from './kernels/LibtorchRandomNormal.js';
import { libtorchReluGradConfig } from './kernels/LibtorchReluGrad.js';
import { logConfig } from './kernels/Log.js';
import { log1pConfig } from './kernels/Log1p.js';
import { logicalAndConfig } from './kernels/LogicalAnd.js';
import { logicalNotConfig } from './kernels/LogicalNot.js';
import { logicalOrConfig } from './kernels/LogicalOr.js';
import { logicalXorConfig } from './kernels/LogicalXor.js';
import { maxConfig } from './kernels/Max.js';
import { maxPoolConfig } from './kernels/MaxPool.js';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad.js';
import { maximumConfig } from './kernels/Maximum.js';
import { meanConfig } from './kernels/Mean.js';
import { minConfig } from './kernels/Min.js';
import { minimumConfig } from './kernels/Minimum.js';
import { modConfig } from './kernels/Mod.js';
import { multiplyConfig } from './kernels/Multiply.js';
import { negConfig } from './kernels/Neg.js';
import { notEqualConfig } from './kernels/NotEqual.js';
import { oneHotConfig } from './kernels/OneHot.js';
import { onesLikeConfig } from './kernels/OnesLike.js';
import { packConfig } from './kernels/Pack.js';
import { padV2Config } from './kernels/PadV2.js';
import { powConfig } from './kernels/Pow.js';
import { preluConfig } from './kernels/Prelu.js';
import { prodConfig } from './kernels/Prod.js';
import { realDivConfig } from './kernels/RealDiv.js';
import { reciprocalConfig } from './kernels/Reciprocal.js';
import { reluConfig } from './kernels/Relu.js';
import { relu6Config } from './kernels/Relu6.js';
import { reshapeConfig } from './kernels/Reshape.js';
import { resizeBilinearConfig } from './kernels/ResizeBilinear.js';
import { resizeBilinearGradConfig } from './kernels/ResizeBilinearGrad.js';
import { reverseConfig } from './kernels/Reverse.js';
import { roundConfig } from './kernels/Round.js';
import { rsqrtConfig } from './kernels/Rsqrt.js';
import { selectConfig } from './kernels/Select.js';
import { seluConfig } from './kernels/Selu.js';
import { sigmoidConfig } from './kernels/Sigmoid.js';
import { signConfig } from './kernels/Sign.js';
import { sinConfig } from './kernels/Sin.js';
import { sliceConfig } from './kernels/Slice.js';
import { softmaxConfig } from './kernels/Softmax.js';
import { softplusConfig } from './kernels/Softplus.js';
import { sqrtConfig } from './kernels/Sqrt.js';
import { squareConfig } from './kernels/Square.js';
import { squaredDifferenceConfig } from './kernels/SquaredDifference.js';
import { stepConfig } from './kernels/Step.js';
import { subConfig } from './kernels/Sub.js';
import { sumConfig } from './kernels/Sum.js';
import { tanhConfig } from './kernels/Tanh.js';
import { tileConfig } from './kernels/Tile.js';
import { transformConfig } from './kernels/Transform.js';
import { transposeConfig } from './kernels/Transpose.js';
import { unpackConfig } from './kernels/Unpack.js';
import { zerosLikeConfig } from './kernels/ZerosLike.js';
import { fusedMatMulConfig } from './kernels/_FusedMatMul.js';

export const nativeKernels: KernelConfig[] = [
  absConfig,
  addConfig,
  addNConfig,
  allConfig,
  anyConfig,
  argMaxConfig,
  argMinConfig,
  atan2Config,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  castConfig,
  ceilConfig,
  clipByValueConfig,
  concatConfig,
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  cosConfig,
  depthwiseConv2dNativeConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  eluConfig,
  eluGradConfig,
  equalConfig,
  erfConfig,
  expConfig,
  expm1Config,
  fillConfig,
  flipLeftRightConfig,
  floorConfig,
  floorDivConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  fusedDepthwiseConv2DConfig,
  gatherV2Config,
  greaterConfig,
  greaterEqualConfig,
  identityConfig,
  isFiniteConfig,
  isInfConfig,
  isNanConfig,
  leakyReluConfig,
  lessConfig,
  lessEqualConfig,
  libtorchFusedBatchNormGradConfig,
  libtorchMeanGradConfig,
  libtorchRelu6GradConfig,
  libtorchAdamConfig,
  libtorchBatchNormTrainingConfig,
  libtorchBatchNormTrainingGradConfig,
  libtorchIntensityConfig,
  libtorchRandomNormalConfig,
  libtorchReluGradConfig,
  logConfig,
  log1pConfig,
  logicalAndConfig,
  logicalNotConfig,
  logicalOrConfig,
  logicalXorConfig,
  maxConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  maximumConfig,
  meanConfig,
  minConfig,
  minimumConfig,
  modConfig,
  multiplyConfig,
  negConfig,
  notEqualConfig,
  oneHotConfig,
  onesLikeConfig,
  packConfig,
  padV2Config,
  powConfig,
  preluConfig,
  prodConfig,
  realDivConfig,
  reciprocalConfig,
  reluConfig,
  relu6Config,
  reshapeConfig,
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  reverseConfig,
  roundConfig,
  rsqrtConfig,
  selectConfig,
  seluConfig,
  sigmoidConfig,
  signConfig,
  sinConfig,
  sliceConfig,
  softmaxConfig,
  softplusConfig,
  sqrtConfig,
  squareConfig,
  squaredDifferenceConfig,
  stepConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  tileConfig,
  transformConfig,
  transposeConfig,
  unpackConfig,
  zerosLikeConfig,
  fusedMatMulConfig,
];
