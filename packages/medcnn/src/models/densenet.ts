import * as tfl from '@tensorflow/tfjs-layers';
import { checkModelInput } from './common.js';
import { conv } from './blocks.js';
import { torchBatchNorm, torchKernelInit } from './init.js';
import { type ModelOptions, registerModel } from './registry.js';
import { RESNET_SMALL_STEM_BELOW } from './resnet.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** DenseNet-121: new channels per layer, layers per dense block, bottleneck width factor, stem width. */
const GROWTH = 32;
const BLOCKS = [6, 12, 24, 16] as const;
const BOTTLENECK = 4;
const STEM = 64;

/** torchvision's DenseNet conv init: Kaiming normal with its default fan_in (variance 2/fan_in). */
const kaimingFanIn = () => tfl.initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform' });

/** DenseNet's pre-activation unit: BatchNorm → ReLU → conv (no bias). */
function bnReluConv(x: SymbolicTensor, filters: number, kernel: number, name: string): SymbolicTensor {
  let y = torchBatchNorm(`${name}_norm`).apply(x) as SymbolicTensor;
  y = tfl.layers.reLU({ name: `${name}_relu` }).apply(y) as SymbolicTensor;
  return conv(y, { filters, kernel, stride: 1, init: kaimingFanIn(), name: `${name}_conv` });
}

/**
 * DenseNet-121 as torchvision defines it (Huang et al. 2017): a stem, four dense blocks in which every layer
 * (1×1 bottleneck to 128, then 3×3 to 32 new channels) sees the concatenation of all earlier maps, transitions
 * that halve channels and size, a last BatchNorm + ReLU, global average pooling and one linear layer. Inputs under
 * 64 pixels get the small stem ResNet uses (3×3 stride 1, no max-pool), so 28 px ends at 3×3 instead of vanishing.
 */
export function densenet121(opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput('densenet121', opts);
  const input = tfl.input({ shape: opts.inputShape, name: 'input' });
  let x: SymbolicTensor;
  if (side < RESNET_SMALL_STEM_BELOW) {
    x = conv(input, { filters: STEM, kernel: 3, stride: 1, init: kaimingFanIn(), name: 'conv0' });
  } else {
    x = conv(input, { filters: STEM, kernel: 7, stride: 2, init: kaimingFanIn(), name: 'conv0' });
  }
  x = torchBatchNorm('norm0').apply(x) as SymbolicTensor;
  x = tfl.layers.reLU({ name: 'relu0' }).apply(x) as SymbolicTensor;
  if (side >= RESNET_SMALL_STEM_BELOW) {
    // Zero padding is PyTorch's -inf padding here: the input is ≥ 0 after the ReLU.
    x = tfl.layers.zeroPadding2d({ padding: 1, name: 'pool0_pad' }).apply(x) as SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool0' }).apply(x) as SymbolicTensor;
  }
  BLOCKS.forEach((layers, b) => {
    for (let i = 0; i < layers; i++) {
      const name = `denseblock${b + 1}_layer${i + 1}`;
      let y = bnReluConv(x, BOTTLENECK * GROWTH, 1, `${name}_1`);
      y = bnReluConv(y, GROWTH, 3, `${name}_2`);
      x = tfl.layers.concatenate({ name: `${name}_concat` }).apply([x, y]) as SymbolicTensor;
    }
    if (b < BLOCKS.length - 1) {
      const name = `transition${b + 1}`;
      x = bnReluConv(x, (x.shape[3] as number) / 2, 1, name);
      x = tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }).apply(x) as SymbolicTensor;
    }
  });
  x = torchBatchNorm('norm5').apply(x) as SymbolicTensor;
  x = tfl.layers.reLU({ name: 'relu5' }).apply(x) as SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as SymbolicTensor;
  const logits = tfl.layers
    .dense({
      units: opts.numClasses,
      name: 'classifier',
      kernelInitializer: torchKernelInit(),
      biasInitializer: 'zeros',
    })
    .apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'densenet121' });
}

registerModel({
  name: 'densenet121',
  title: 'DenseNet-121',
  year: 2017,
  paper: 'Huang, Liu, van der Maaten, Weinberger. Densely connected convolutional networks. CVPR 2017',
  introduced: {
    en: 'Every layer sees the maps of all layers before it in its block: features reused, few weights per layer',
    ja: 'ブロック内の各層がそれより前のすべての層の特徴マップを受け取る：特徴を再利用し、層ごとの重みは少ない',
  },
  create: densenet121,
});
