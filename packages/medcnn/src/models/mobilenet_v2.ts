import * as tfl from '@tensorflow/tfjs-layers';
import { checkModelInput, normal001 } from './common.js';
import { convBnAct, dropoutLinear, kaimingFanOutConv } from './blocks.js';
import { type ModelOptions, registerModel } from './registry.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** Inputs under this side keep the stem at stride 1, as ResNet's small stem does, so 28 px ends at 2×2, not 1×1. */
export const MOBILE_SMALL_STEM_BELOW = 64;

/** torchvision's MobileNetV2 stages: expansion t, output channels c, repeats n, first stride s. */
const STAGES = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
] as const;

/** Inverted residual: 1×1 widens t×, 3×3 depthwise filters each channel, 1×1 narrows (linear bottleneck). */
function invertedResidual(x: SymbolicTensor, t: number, out: number, stride: number, name: string): SymbolicTensor {
  const inC = x.shape[3] as number;
  let y = x;
  if (t !== 1)
    y = convBnAct(y, {
      filters: inC * t,
      kernel: 1,
      stride: 1,
      act: 'relu6',
      init: kaimingFanOutConv(false),
      name: `${name}_expand`,
    });
  y = convBnAct(y, {
    kernel: 3,
    stride,
    depthwise: true,
    act: 'relu6',
    init: kaimingFanOutConv(true),
    name: `${name}_dw`,
  });
  y = convBnAct(y, {
    filters: out,
    kernel: 1,
    stride: 1,
    act: null,
    init: kaimingFanOutConv(false),
    name: `${name}_project`,
  });
  if (stride !== 1 || inC !== out) return y;
  return tfl.layers.add({ name: `${name}_add` }).apply([x, y]) as SymbolicTensor;
}

/**
 * MobileNetV2 as torchvision defines it (Sandler et al. 2018; width 1.0): a 3×3 stem, 17 inverted residual
 * blocks, a 1×1 conv to 1280, global average pooling, dropout 0.2 and one linear layer.
 */
export function mobilenetV2(opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput('mobilenet_v2', opts);
  const input = tfl.input({ shape: opts.inputShape, name: 'input' });
  const stemStride = side < MOBILE_SMALL_STEM_BELOW ? 1 : 2;
  let x = convBnAct(input, {
    filters: 32,
    kernel: 3,
    stride: stemStride,
    act: 'relu6',
    init: kaimingFanOutConv(false),
    name: 'features_0',
  });
  let block = 1;
  for (const [t, c, n, s] of STAGES) {
    for (let i = 0; i < n; i++) x = invertedResidual(x, t, c, i === 0 ? s : 1, `features_${block++}`);
  }
  x = convBnAct(x, {
    filters: 1280,
    kernel: 1,
    stride: 1,
    act: 'relu6',
    init: kaimingFanOutConv(false),
    name: `features_${block}`,
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as SymbolicTensor;
  const logits = dropoutLinear(x, {
    rate: 0.2,
    units: opts.numClasses,
    init: normal001(),
    biasInit: tfl.initializers.zeros(),
  });
  return tfl.model({ inputs: input, outputs: logits, name: 'mobilenet_v2' });
}

registerModel({
  name: 'mobilenet_v2',
  title: 'MobileNetV2',
  year: 2018,
  paper: 'Sandler, Howard, Zhu, Zhmoginov, Chen. MobileNetV2: inverted residuals and linear bottlenecks. CVPR 2018',
  introduced: {
    en: 'Depthwise convolutions in inverted residual blocks: a network small and fast enough for a phone',
    ja: '逆残差ブロックの中のdepthwise畳み込み：スマートフォンで動くほど小さく速いネット',
  },
  create: mobilenetV2,
});
