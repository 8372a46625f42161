import * as tfl from '@tensorflow/tfjs-layers';
import { registerModel, type ModelOptions } from './registry.js';
import { torchBatchNorm, torchBiasInit, torchKernelInit } from './init.js';

/**
 * The tutorial's SimpleCNN: three blocks of Conv 3×3 'same' (16, 32, 64) → BatchNorm → ReLU →
 * MaxPool 2×2, then Flatten → Dense 128 ReLU → Dense (classes).
 */
export function simpleCnn({ inputShape, numClasses }: ModelOptions): tfl.LayersModel {
  const model = tfl.sequential({ name: 'simplecnn' });
  let channels = inputShape[2];
  [16, 32, 64].forEach((filters, i) => {
    const b = i + 1;
    model.add(
      tfl.layers.conv2d({
        ...(i === 0 ? { inputShape } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        name: `conv${b}`,
        kernelInitializer: torchKernelInit(),
        biasInitializer: torchBiasInit(channels * 9),
      }),
    );
    model.add(torchBatchNorm(`bn${b}`));
    model.add(tfl.layers.reLU({ name: `relu${b}` }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${b}` }));
    channels = filters;
  });
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  const flat = model.outputs[0].shape[1] as number;
  model.add(
    tfl.layers.dense({
      units: 128,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: torchKernelInit(),
      biasInitializer: torchBiasInit(flat),
    }),
  );
  model.add(
    tfl.layers.dense({
      units: numClasses,
      name: 'logits',
      kernelInitializer: torchKernelInit(),
      biasInitializer: torchBiasInit(128),
    }),
  );
  return model;
}

registerModel({
  name: 'simplecnn',
  title: 'SimpleCNN (the tutorial)',
  year: 2024,
  paper: 'The tutorial’s worked example for PneumoniaMNIST',
  introduced: {
    en: 'Convolution → BatchNorm → ReLU → pooling, three times: the whole idea of a CNN in 100k weights',
    ja: '畳み込み→BatchNorm→ReLU→プーリングを3回：CNNの考え方をそのまま小さな模型に',
  },
  create: simpleCnn,
});
