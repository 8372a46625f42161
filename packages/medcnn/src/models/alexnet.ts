import * as tfl from '@tensorflow/tfjs-layers';
import { dropout } from './dropout.js';
import { registerModel, type ModelOptions } from './registry.js';
import { torchBiasInit, torchKernelInit } from './init.js';
import { checkModelInput, outSize } from './common.js';

/**
 * AlexNet as torchvision defines it (the one-GPU variant of Krizhevsky et al. 2012): five convolutions
 * (11×11/4, 5×5, 3×3 ×3) with ReLU and three 3×3/2 max-pools, then dropout → 4096 → dropout → 4096 → classes.
 * Under 64 pixels the 11×11 stride-4 stem would shrink the image to nothing, so it becomes a 3×3 stride-1
 * convolution (as CIFAR-sized AlexNets do). torchvision's adaptive pool to 6×6 is the identity at 224; for
 * smaller inputs the final map is kept as it is rather than copied up to 6×6.
 */
export function alexnet(opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput('alexnet', opts);
  const { inputShape, numClasses } = opts;
  const small = side < 64;
  const model = tfl.sequential({ name: 'alexnet' });
  const conv = (
    filters: number,
    inC: number,
    kernel: number,
    name: string,
    extra: Partial<Parameters<typeof tfl.layers.conv2d>[0]> = {},
  ): void => {
    model.add(
      tfl.layers.conv2d({
        filters,
        kernelSize: kernel,
        padding: 'same',
        activation: 'relu',
        name,
        kernelInitializer: torchKernelInit(),
        biasInitializer: torchBiasInit(inC * kernel * kernel),
        ...extra,
      }),
    );
  };
  const pool = (name: string): void => {
    model.add(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name }));
  };
  if (small) {
    conv(64, inputShape[2], 3, 'conv1', { inputShape });
  } else {
    // torch's padding=2 on both sides, then a valid 11×11 stride-4 convolution.
    model.add(tfl.layers.zeroPadding2d({ inputShape, padding: 2, name: 'conv1_pad' }));
    conv(64, inputShape[2], 11, 'conv1', { strides: 4, padding: 'valid' });
  }
  pool('pool1');
  conv(192, 64, 5, 'conv2');
  pool('pool2');
  conv(384, 192, 3, 'conv3');
  conv(256, 384, 3, 'conv4');
  conv(256, 256, 3, 'conv5');
  pool('pool5');
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  const flat = model.outputs[0].shape[1] as number;
  const dense = (units: number, fanIn: number, name: string, activation?: 'relu'): void => {
    model.add(
      tfl.layers.dense({
        units,
        activation,
        name,
        kernelInitializer: torchKernelInit(),
        biasInitializer: torchBiasInit(fanIn),
      }),
    );
  };
  model.add(dropout({ rate: 0.5, name: 'drop6' }));
  dense(4096, flat, 'fc6', 'relu');
  model.add(dropout({ rate: 0.5, name: 'drop7' }));
  dense(4096, 4096, 'fc7', 'relu');
  dense(numClasses, 4096, 'logits');
  return model;
}

/** Side of AlexNet's last feature map for a given input side (for docs and tests). */
export function alexnetFeatureSide(side: number): number {
  let n = side < 64 ? side : outSize(side, 11, 4, 2);
  for (let i = 0; i < 3; i++) n = outSize(n, 3, 2, 0);
  return n;
}

registerModel({
  name: 'alexnet',
  title: 'AlexNet',
  year: 2012,
  paper: 'Krizhevsky, Sutskever, Hinton. ImageNet classification with deep convolutional neural networks. NeurIPS 2012',
  introduced: {
    en: 'ReLU, dropout, data augmentation and GPUs: a deep CNN won ImageNet by a wide margin and started the deep-learning era',
    ja: 'ReLU・ドロップアウト・データ拡張・GPU：深いCNNがImageNetで大差の優勝、深層学習の時代が始まる',
  },
  create: alexnet,
});
