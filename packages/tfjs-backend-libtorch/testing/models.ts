/** Small tfjs-layers models that the tests and the benchmark train: SimpleCNN, a residual block net, a MobileNetV2 block. */
import * as tfl from '@tensorflow/tfjs-layers';

/** 3 x [Conv3x3 same -> BatchNorm -> ReLU -> MaxPool2] -> Flatten -> Dense128 relu -> Dense softmax, as the tutorial's SimpleCNN. */
export function simpleCnn(inputShape: [number, number, number] = [28, 28, 1], classes = 2): tfl.LayersModel {
  const m = tfl.sequential();
  [16, 32, 64].forEach((filters, i) => {
    m.add(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', ...(i === 0 ? { inputShape } : {}) }));
    m.add(tfl.layers.batchNormalization());
    m.add(tfl.layers.reLU());
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  });
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tfl.layers.dense({ units: classes, activation: 'softmax' }));
  return m;
}

/**
 * Conv-BN-ReLU stem (`width` filters), one strided residual block (2 x `width`) with a projection shortcut,
 * global average pool. From width 64 the block's convolutions take the backend's NCHW path.
 */
export function residualNet(
  inputShape: [number, number, number] = [28, 28, 1],
  classes = 2,
  width = 8,
): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  const convBn = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number) =>
    tfl.layers
      .batchNormalization()
      .apply(
        tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x),
      ) as tfl.SymbolicTensor;
  const stem = tfl.layers.reLU().apply(convBn(input, width, 3, 1)) as tfl.SymbolicTensor;
  const body = convBn(tfl.layers.reLU().apply(convBn(stem, 2 * width, 3, 2)) as tfl.SymbolicTensor, 2 * width, 3, 1);
  const shortcut = convBn(stem, 2 * width, 1, 2);
  let x = tfl.layers.reLU().apply(tfl.layers.add().apply([body, shortcut])) as tfl.SymbolicTensor;
  x = tfl.layers.zeroPadding2d({ padding: 1 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** An inverted residual block: 1x1 expand, ReLU6, 3x3 depthwise, ReLU6, 1x1 project, residual add. */
export function mobileNetV2Block(inputShape: [number, number, number] = [28, 28, 3], classes = 2): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  const bn = (x: tfl.SymbolicTensor) => tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
  let x = tfl.layers
    .conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false })
    .apply(input) as tfl.SymbolicTensor;
  const stem = tfl.layers.reLU({ maxValue: 6 }).apply(bn(x)) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 48, kernelSize: 1, useBias: false }).apply(stem) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ maxValue: 6 }).apply(bn(x)) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu6' }).apply(bn(x)) as tfl.SymbolicTensor;
  x = bn(tfl.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor);
  x = tfl.layers.add().apply([x, stem]) as tfl.SymbolicTensor;
  x = tfl.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** ResNet-18 as MedMNIST trains it on 28x28: 3x3 stride-1 stem, no max pool, [64,128,256,512] x 2 basic blocks. */
export function resnet18(inputShape: [number, number, number] = [28, 28, 1], classes = 2): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  const convBn = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number) =>
    tfl.layers
      .batchNormalization()
      .apply(
        tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x),
      ) as tfl.SymbolicTensor;
  let x = tfl.layers.reLU().apply(convBn(input, 64, 3, 1)) as tfl.SymbolicTensor;
  let channels = 64;
  for (const [filters, stride] of [
    [64, 1],
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
  ]) {
    const y = convBn(tfl.layers.reLU().apply(convBn(x, filters, 3, stride)) as tfl.SymbolicTensor, filters, 3, 1);
    const shortcut = stride !== 1 || channels !== filters ? convBn(x, filters, 1, stride) : x;
    x = tfl.layers.reLU().apply(tfl.layers.add().apply([y, shortcut])) as tfl.SymbolicTensor;
    channels = filters;
  }
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}
