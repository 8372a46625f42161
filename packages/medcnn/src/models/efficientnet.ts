import * as tfl from '@tensorflow/tfjs-layers';
import { checkModelInput } from './common.js';
import { convBnAct, dropoutLinear, kaimingFanOutConv, stochasticDepth } from './blocks.js';
import { MOBILE_SMALL_STEM_BELOW } from './mobilenet_v2.js';
import { type ModelOptions, registerModel } from './registry.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** EfficientNet-B0's stages: expansion, kernel, first stride, output channels, repeats (Tan & Le, Table 1). */
const STAGES = [
  [1, 3, 1, 16, 1],
  [6, 3, 2, 24, 2],
  [6, 5, 2, 40, 2],
  [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3],
  [6, 5, 2, 192, 4],
  [6, 3, 1, 320, 1],
] as const;

/** The largest stochastic-depth rate, reached by the last block (torchvision's 0.2, rising linearly from 0). */
const STOCHASTIC_DEPTH = 0.2;

/**
 * Squeeze-and-excitation (Hu et al. 2018): the block's channels are pooled to one value each, squeezed to a
 * quarter of the block's input width, and turned into per-channel gates in (0, 1) that rescale the map.
 */
function squeezeExcite(x: SymbolicTensor, squeeze: number, name: string): SymbolicTensor {
  const channels = x.shape[3] as number;
  let s = tfl.layers.globalAveragePooling2d({ name: `${name}_pool` }).apply(x) as SymbolicTensor;
  const init = tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform' });
  s = tfl.layers
    .dense({ units: squeeze, activation: 'swish', kernelInitializer: init, name: `${name}_fc1` })
    .apply(s) as SymbolicTensor;
  s = tfl.layers
    .dense({ units: channels, activation: 'sigmoid', kernelInitializer: init, name: `${name}_fc2` })
    .apply(s) as SymbolicTensor;
  s = tfl.layers.reshape({ targetShape: [1, 1, channels], name: `${name}_gates` }).apply(s) as SymbolicTensor;
  return tfl.layers.multiply({ name: `${name}_scale` }).apply([x, s]) as SymbolicTensor;
}

/** MBConv: 1×1 expand → k×k depthwise → squeeze-and-excitation → 1×1 project, with a stochastic-depth residual. */
function mbConv(
  x: SymbolicTensor,
  expand: number,
  kernel: number,
  stride: number,
  out: number,
  dropRate: number,
  name: string,
): SymbolicTensor {
  const inC = x.shape[3] as number;
  let y = x;
  if (expand !== 1)
    y = convBnAct(y, {
      filters: inC * expand,
      kernel: 1,
      stride: 1,
      act: 'silu',
      init: kaimingFanOutConv(false),
      name: `${name}_expand`,
    });
  y = convBnAct(y, { kernel, stride, depthwise: true, act: 'silu', init: kaimingFanOutConv(true), name: `${name}_dw` });
  y = squeezeExcite(y, Math.max(1, Math.floor(inC / 4)), `${name}_se`);
  y = convBnAct(y, {
    filters: out,
    kernel: 1,
    stride: 1,
    act: null,
    init: kaimingFanOutConv(false),
    name: `${name}_project`,
  });
  if (stride !== 1 || inC !== out) return y;
  y = stochasticDepth(y, dropRate, `${name}_drop`);
  return tfl.layers.add({ name: `${name}_add` }).apply([x, y]) as SymbolicTensor;
}

/**
 * EfficientNet-B0 as torchvision defines it (Tan & Le 2019): a 3×3 stem, 16 MBConv blocks with SiLU,
 * squeeze-and-excitation and stochastic depth, a 1×1 conv to 1280, global average pooling, dropout 0.2, linear.
 * Under 64 pixels the stem keeps stride 1, as MobileNetV2's does.
 */
export function efficientnetB0(opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput('efficientnet_b0', opts);
  const input = tfl.input({ shape: opts.inputShape, name: 'input' });
  const stemStride = side < MOBILE_SMALL_STEM_BELOW ? 1 : 2;
  let x = convBnAct(input, {
    filters: 32,
    kernel: 3,
    stride: stemStride,
    act: 'silu',
    init: kaimingFanOutConv(false),
    name: 'features_0',
  });
  const total = STAGES.reduce((n, s) => n + s[4], 0);
  let block = 0;
  STAGES.forEach(([expand, kernel, stride, out, repeats], stage) => {
    for (let i = 0; i < repeats; i++) {
      x = mbConv(
        x,
        expand,
        kernel,
        i === 0 ? stride : 1,
        out,
        (STOCHASTIC_DEPTH * block) / total,
        `features_${stage + 1}_${i}`,
      );
      block++;
    }
  });
  x = convBnAct(x, {
    filters: 1280,
    kernel: 1,
    stride: 1,
    act: 'silu',
    init: kaimingFanOutConv(false),
    name: 'features_8',
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as SymbolicTensor;
  // torchvision: the classifier's weights uniform in ±1/√classes, its biases zero.
  const bound = 1 / Math.sqrt(opts.numClasses);
  const logits = dropoutLinear(x, {
    rate: 0.2,
    units: opts.numClasses,
    init: tfl.initializers.randomUniform({ minval: -bound, maxval: bound }),
    biasInit: tfl.initializers.zeros(),
  });
  return tfl.model({ inputs: input, outputs: logits, name: 'efficientnet_b0' });
}

registerModel({
  name: 'efficientnet_b0',
  title: 'EfficientNet-B0',
  year: 2019,
  paper: 'Tan, Le. EfficientNet: rethinking model scaling for convolutional neural networks. ICML 2019',
  introduced: {
    en: 'Depth, width and resolution scaled together from a searched base net: ResNet-50 accuracy at a fifth the weights',
    ja: '探索で見つけた基本ネットの深さ・幅・解像度をそろえて拡大：ResNet-50の精度を5分の1の重みで',
  },
  create: efficientnetB0,
});
