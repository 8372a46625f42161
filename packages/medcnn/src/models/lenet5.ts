import * as tfl from '@tensorflow/tfjs-layers';
import { registerModel, type ModelOptions } from './registry.js';
import { torchBiasInit, torchKernelInit } from './init.js';
import { checkModelInput } from './common.js';

/**
 * LeNet-5 (LeCun et al., 1998): C1 conv 5×5 (6) → S2 subsampling → C3 conv 5×5 (16) → S4 subsampling →
 * 120 → 84 → classes, with tanh. Inputs under 32 pixels are zero-padded to 32, as the paper padded MNIST's
 * 28×28 digits. The common modern reading is used: average pooling without the paper's trainable
 * subsampling coefficients and a full C1→C3 connection table (61,706 parameters for 32×32×1 → 10).
 */
export function lenet5(opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput('lenet5', opts);
  const { inputShape, numClasses } = opts;
  const model = tfl.sequential({ name: 'lenet5' });
  const pad = Math.max(0, Math.ceil((32 - side) / 2));
  model.add(tfl.layers.zeroPadding2d({ inputShape, padding: pad, name: 'pad_to_32' }));
  const conv = (filters: number, inC: number, name: string): tfl.layers.Layer =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 5,
      activation: 'tanh',
      name,
      kernelInitializer: torchKernelInit(),
      biasInitializer: torchBiasInit(inC * 25),
    });
  model.add(conv(6, inputShape[2], 'c1'));
  model.add(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, name: 's2' }));
  model.add(conv(16, 6, 'c3'));
  model.add(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, name: 's4' }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  const flat = model.outputs[0].shape[1] as number;
  const dense = (units: number, fanIn: number, name: string, activation?: 'tanh'): tfl.layers.Layer =>
    tfl.layers.dense({
      units,
      activation,
      name,
      kernelInitializer: torchKernelInit(),
      biasInitializer: torchBiasInit(fanIn),
    });
  model.add(dense(120, flat, 'c5', 'tanh'));
  model.add(dense(84, 120, 'f6', 'tanh'));
  model.add(dense(numClasses, 84, 'logits'));
  return model;
}

registerModel({
  name: 'lenet5',
  title: 'LeNet-5',
  year: 1998,
  paper: 'LeCun, Bottou, Bengio, Haffner. Gradient-based learning applied to document recognition. Proc. IEEE 86(11)',
  introduced: {
    en: 'Convolution and pooling learned end to end by backpropagation: the first CNN put to work (reading cheques)',
    ja: '畳み込みとプーリングを誤差逆伝播でまとめて学習：実用化された最初のCNN（小切手の読み取り）',
  },
  create: lenet5,
});
