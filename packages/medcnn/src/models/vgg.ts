import * as tfl from '@tensorflow/tfjs-layers';
import { dropout } from './dropout.js';
import { registerModel, type ModelOptions } from './registry.js';
import { torchBatchNorm } from './init.js';
import { checkModelInput, kaimingFanOut, normal001 } from './common.js';

/** VGG's configurations (Simonyan & Zisserman, Table 1): numbers are 3×3 conv widths, 'M' a 2×2 max-pool. */
const CONFIGS = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<number, readonly (number | 'M')[]>;

/**
 * VGG as torchvision defines it: stacks of 3×3 convolutions (optionally with BatchNorm) and five 2×2 max-pools,
 * then 4096 → dropout → 4096 → dropout → classes. Pools round up (PyTorch's ceil_mode), which is the same at 224
 * and keeps a 28×28 input at 1×1 after the fifth pool instead of 0×0. torchvision's adaptive pool to 7×7 is the
 * identity at 224; smaller inputs keep their final map rather than having it copied up to 7×7.
 */
export function vgg(depth: 11 | 16, batchNorm: boolean, opts: ModelOptions): tfl.LayersModel {
  const name = `vgg${depth}${batchNorm ? '_bn' : ''}`;
  checkModelInput(name, opts);
  const { inputShape, numClasses } = opts;
  const model = tfl.sequential({ name });
  let block = 1;
  let conv = 1;
  for (const item of CONFIGS[depth]) {
    if (item === 'M') {
      model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name: `pool${block}` }));
      block++;
      conv = 1;
      continue;
    }
    const first = model.layers.length === 0;
    model.add(
      tfl.layers.conv2d({
        ...(first ? { inputShape } : {}),
        filters: item,
        kernelSize: 3,
        padding: 'same',
        name: `conv${block}_${conv}`,
        kernelInitializer: kaimingFanOut(),
        biasInitializer: 'zeros',
      }),
    );
    if (batchNorm) model.add(torchBatchNorm(`bn${block}_${conv}`));
    model.add(tfl.layers.reLU({ name: `relu${block}_${conv}` }));
    conv++;
  }
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  const dense = (units: number, lname: string, activation?: 'relu'): void => {
    model.add(
      tfl.layers.dense({ units, activation, name: lname, kernelInitializer: normal001(), biasInitializer: 'zeros' }),
    );
  };
  dense(4096, 'fc6', 'relu');
  model.add(dropout({ rate: 0.5, name: 'drop6' }));
  dense(4096, 'fc7', 'relu');
  model.add(dropout({ rate: 0.5, name: 'drop7' }));
  dense(numClasses, 'logits');
  return model;
}

const PAPER = 'Simonyan, Zisserman. Very deep convolutional networks for large-scale image recognition. ICLR 2015';
const INTRODUCED = {
  en: 'Depth from small 3×3 filters only: two 3×3 layers see as far as one 5×5 with fewer weights',
  ja: '3×3の小さなフィルタだけを深く重ねる：3×3を2層で5×5と同じ範囲を、より少ない重みで見る',
};
const INTRODUCED_BN = {
  en: 'VGG with BatchNorm after every convolution (Ioffe & Szegedy 2015): deep plain nets train fast and stably',
  ja: '各畳み込みの後にBatchNorm（Ioffe & Szegedy 2015）を入れたVGG：深い素直なネットが速く安定して学習',
};
for (const depth of [11, 16] as const) {
  for (const bn of [false, true]) {
    registerModel({
      name: `vgg${depth}${bn ? '_bn' : ''}`,
      title: `VGG-${depth}${bn ? ' with BatchNorm' : ''}`,
      year: bn ? 2015 : 2014,
      paper: bn ? `${PAPER}; Ioffe, Szegedy. Batch normalization. ICML 2015` : PAPER,
      introduced: bn ? INTRODUCED_BN : INTRODUCED,
      create: (opts) => vgg(depth, bn, opts),
    });
  }
}
