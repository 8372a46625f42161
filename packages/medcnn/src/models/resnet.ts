import * as tfl from '@tensorflow/tfjs-layers';
import { registerModel, type ModelOptions } from './registry.js';
import { torchBatchNorm, torchBiasInit, torchKernelInit } from './init.js';
import { checkModelInput, kaimingFanOut } from './common.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** Inputs under this side get MedMNIST's small-image stem: 3×3 stride-1 conv and no max-pool. */
export const RESNET_SMALL_STEM_BELOW = 64;

/** Conv without bias (BatchNorm follows), padded as PyTorch pads: symmetric, explicit for strided convs. */
function conv(x: SymbolicTensor, filters: number, kernel: number, stride: number, name: string): SymbolicTensor {
  const pad = (kernel - 1) / 2;
  // TF's 'same' pads a stride-2 conv asymmetrically; PyTorch pads both sides, so pad explicitly.
  if (stride > 1 && pad > 0)
    x = tfl.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }).apply(x) as SymbolicTensor;
  return tfl.layers
    .conv2d({
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: stride > 1 ? 'valid' : 'same',
      useBias: false,
      name,
      kernelInitializer: kaimingFanOut(),
    })
    .apply(x) as SymbolicTensor;
}

function bn(x: SymbolicTensor, name: string): SymbolicTensor {
  return torchBatchNorm(name).apply(x) as SymbolicTensor;
}

function relu(x: SymbolicTensor, name: string): SymbolicTensor {
  return tfl.layers.reLU({ name }).apply(x) as SymbolicTensor;
}

/** The shortcut: identity, or 1×1 conv + BN where the block changes size or width. */
function shortcut(x: SymbolicTensor, filters: number, stride: number, name: string): SymbolicTensor {
  const inC = x.shape[3] as number;
  if (stride === 1 && inC === filters) return x;
  return bn(conv(x, filters, 1, stride, `${name}_downsample_conv`), `${name}_downsample_bn`);
}

/** Basic block (ResNet-18/34): 3×3 → 3×3, added to the shortcut. */
function basicBlock(x: SymbolicTensor, width: number, stride: number, name: string): SymbolicTensor {
  let y = relu(bn(conv(x, width, 3, stride, `${name}_conv1`), `${name}_bn1`), `${name}_relu1`);
  y = bn(conv(y, width, 3, 1, `${name}_conv2`), `${name}_bn2`);
  const sum = tfl.layers.add({ name: `${name}_add` }).apply([y, shortcut(x, width, stride, name)]) as SymbolicTensor;
  return relu(sum, `${name}_relu2`);
}

/** Bottleneck block (ResNet-50/101/152): 1×1 narrows, 3×3 (strided, as torchvision's v1.5), 1×1 widens ×4. */
function bottleneckBlock(x: SymbolicTensor, width: number, stride: number, name: string): SymbolicTensor {
  let y = relu(bn(conv(x, width, 1, 1, `${name}_conv1`), `${name}_bn1`), `${name}_relu1`);
  y = relu(bn(conv(y, width, 3, stride, `${name}_conv2`), `${name}_bn2`), `${name}_relu2`);
  y = bn(conv(y, width * 4, 1, 1, `${name}_conv3`), `${name}_bn3`);
  const sum = tfl.layers
    .add({ name: `${name}_add` })
    .apply([y, shortcut(x, width * 4, stride, name)]) as SymbolicTensor;
  return relu(sum, `${name}_relu3`);
}

/**
 * ResNet as torchvision defines it (He et al. 2016): a stem, four stages of residual blocks (64, 128, 256, 512
 * wide; stride 2 from the second stage), global average pooling and one linear layer. Inputs under 64 pixels
 * use the stem MedMNIST uses at 28×28: a 3×3 stride-1 conv and no max-pool, so the 1×1 final map does not vanish.
 */
export function resnet(
  name: string,
  kind: 'basic' | 'bottleneck',
  blocks: readonly number[],
  opts: ModelOptions,
): tfl.LayersModel {
  const side = checkModelInput(name, opts);
  const { inputShape, numClasses } = opts;
  const input = tfl.input({ shape: inputShape, name: 'input' });
  let x: SymbolicTensor;
  if (side < RESNET_SMALL_STEM_BELOW) {
    x = relu(bn(conv(input, 64, 3, 1, 'conv1'), 'bn1'), 'relu');
  } else {
    x = relu(bn(conv(input, 64, 7, 2, 'conv1'), 'bn1'), 'relu');
    // Zero padding is PyTorch's -inf padding here: the input is ≥ 0 after the ReLU.
    x = tfl.layers.zeroPadding2d({ padding: 1, name: 'maxpool_pad' }).apply(x) as SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'maxpool' }).apply(x) as SymbolicTensor;
  }
  const block = kind === 'basic' ? basicBlock : bottleneckBlock;
  [64, 128, 256, 512].forEach((width, stage) => {
    for (let b = 0; b < blocks[stage]; b++) {
      x = block(x, width, stage > 0 && b === 0 ? 2 : 1, `layer${stage + 1}_${b}`);
    }
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as SymbolicTensor;
  const features = x.shape[1] as number;
  const logits = tfl.layers
    .dense({
      units: numClasses,
      name: 'fc',
      kernelInitializer: torchKernelInit(),
      biasInitializer: torchBiasInit(features),
    })
    .apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name });
}

const PAPER = 'He, Zhang, Ren, Sun. Deep residual learning for image recognition. CVPR 2016';

registerModel({
  name: 'resnet18',
  title: 'ResNet-18',
  year: 2015,
  paper: PAPER,
  introduced: {
    en: 'Residual connections: each block learns a correction added to its input, so very deep nets still train',
    ja: '残差接続：各ブロックは入力に足す「補正」を学ぶので、とても深いネットでも学習できる',
  },
  create: (opts) => resnet('resnet18', 'basic', [2, 2, 2, 2], opts),
});

registerModel({
  name: 'resnet50',
  title: 'ResNet-50',
  year: 2015,
  paper: PAPER,
  introduced: {
    en: 'Bottleneck blocks (1×1 narrow, 3×3, 1×1 widen) make a 50-layer residual net cheaper than VGG-16',
    ja: 'ボトルネック構造（1×1で絞る→3×3→1×1で広げる）で、50層の残差ネットがVGG-16より軽い',
  },
  create: (opts) => resnet('resnet50', 'bottleneck', [3, 4, 6, 3], opts),
});
