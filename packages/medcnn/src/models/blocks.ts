import * as tfl from '@tensorflow/tfjs-layers';
import { dropout } from './dropout.js';
import { torchBatchNorm } from './init.js';

type SymbolicTensor = tfl.SymbolicTensor;
type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** The activations torchvision's mobile networks use after a convolution and BatchNorm. */
export type BlockActivation = 'relu' | 'relu6' | 'silu' | null;

/**
 * Pads a strided convolution as PyTorch does: (kernel − 1) / 2 on every side. TF's 'same' pads a stride-2
 * conv asymmetrically (more at the bottom and right), which would shift every feature map by half a pixel.
 */
function torchPadding(x: SymbolicTensor, kernel: number, stride: number, name: string): SymbolicTensor {
  const pad = (kernel - 1) / 2;
  if (stride > 1 && pad > 0)
    return tfl.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }).apply(x) as SymbolicTensor;
  return x;
}

/** A convolution without bias, padded as PyTorch pads; `depthwise` makes it one filter per channel (groups = C). */
export function conv(
  x: SymbolicTensor,
  opts: { filters?: number; kernel: number; stride: number; depthwise?: boolean; init: Initializer; name: string },
): SymbolicTensor {
  const { kernel, stride, name } = opts;
  x = torchPadding(x, kernel, stride, name);
  const padding = stride > 1 ? 'valid' : 'same';
  const layer = opts.depthwise
    ? tfl.layers.depthwiseConv2d({
        kernelSize: kernel,
        strides: stride,
        padding,
        depthMultiplier: 1,
        useBias: false,
        depthwiseInitializer: opts.init,
        name,
      })
    : tfl.layers.conv2d({
        filters: opts.filters!,
        kernelSize: kernel,
        strides: stride,
        padding,
        useBias: false,
        kernelInitializer: opts.init,
        name,
      });
  return layer.apply(x) as SymbolicTensor;
}

/** An activation layer by torchvision's name (SiLU is tfjs' 'swish', x·sigmoid(x)). */
export function activation(x: SymbolicTensor, act: BlockActivation, name: string): SymbolicTensor {
  if (act === null) return x;
  const layer =
    act === 'relu'
      ? tfl.layers.reLU({ name })
      : act === 'relu6'
        ? tfl.layers.reLU({ maxValue: 6, name })
        : tfl.layers.activation({ activation: 'swish', name });
  return layer.apply(x) as SymbolicTensor;
}

/** torchvision's Conv2dNormActivation: conv (no bias) → BatchNorm → activation. */
export function convBnAct(
  x: SymbolicTensor,
  opts: {
    filters?: number;
    kernel: number;
    stride: number;
    depthwise?: boolean;
    act: BlockActivation;
    init: Initializer;
    name: string;
  },
): SymbolicTensor {
  const y = torchBatchNorm(`${opts.name}_bn`).apply(conv(x, { ...opts, name: `${opts.name}_conv` })) as SymbolicTensor;
  return activation(y, opts.act, `${opts.name}_${opts.act}`);
}

/**
 * Stochastic depth (Huang et al. 2016) in torchvision's "row" mode: in training, each image's residual branch is
 * dropped with probability `rate` and the kept ones scaled by 1/(1 − rate); identity in inference. It is dropout
 * with one draw per image, which tfjs' Dropout does with the noise shape [batch, 1, 1, 1].
 */
export function stochasticDepth(x: SymbolicTensor, rate: number, name: string): SymbolicTensor {
  if (rate <= 0) return x;
  return dropout({ rate, noiseShape: [null, 1, 1, 1] as unknown as number[], name }).apply(x) as SymbolicTensor;
}

/** A classifier head as torchvision's mobile networks end: dropout, then one linear layer. */
export function dropoutLinear(
  x: SymbolicTensor,
  opts: { rate: number; units: number; init: Initializer; biasInit: Initializer },
): SymbolicTensor {
  if (opts.rate > 0) x = dropout({ rate: opts.rate, name: 'classifier_dropout' }).apply(x) as SymbolicTensor;
  return tfl.layers
    .dense({ units: opts.units, name: 'classifier', kernelInitializer: opts.init, biasInitializer: opts.biasInit })
    .apply(x) as SymbolicTensor;
}

/** torchvision's conv init for the mobile networks and DenseNet: Kaiming with fan_out (depthwise: fan_out = C·k²). */
export function kaimingFanOutConv(depthwise: boolean): Initializer {
  // tfjs counts a depthwise kernel [k, k, C, 1] as fan_in = k²·C and fan_out = k²; PyTorch counts its
  // [C, 1, k, k] weight as fan_out = C·k², which is tfjs' fan_in.
  return tfl.initializers.varianceScaling({ scale: 2, mode: depthwise ? 'fanIn' : 'fanOut', distribution: 'uniform' });
}
