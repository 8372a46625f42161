/**
 * Every kernel of the native list runs on libtorch without falling back to the cpu backend. The kernels
 * are listed here by name, apart from src/register_all_kernels.ts: a kernel dropped from the native list
 * (or one that throws NotNative for ordinary inputs) fails here instead of silently running on cpu, where
 * the comparison tests would compare cpu with cpu.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

import { fallbackCounts, resetFallbackCounts } from '../src/index.js';
import { nativeKernels } from '../src/register_all_kernels.js';
import { skipReason, testDevice } from '../testing/helpers.js';

type Attrs = tf.NamedAttrMap;
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}) =>
  tf.engine().runKernel(name, inputs, attrs as Attrs);

// Inputs, made inside each case's tidy.
const floats = (shape: number[]) => tf.randomUniform(shape, -2, 2, 'float32', 7);
const positive = (shape: number[]) => tf.randomUniform(shape, 0.5, 2, 'float32', 8);
const ints = (shape: number[], max = 3) => tf.randomUniform(shape, 0, max, 'int32', 9);
const bools = (shape: number[]) => tf.greater(floats(shape), 0);

const UNARY = ['Abs', 'Neg', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sqrt', 'Rsqrt', 'Square', 'Reciprocal', 'Relu', 'Relu6'];
const UNARY_MORE = ['Elu', 'Selu', 'Sigmoid', 'Softplus', 'Tanh', 'Sin', 'Cos', 'Erf', 'Floor', 'Ceil', 'Round'];
const UNARY_REST = ['Sign', 'IsNan', 'IsInf', 'IsFinite', 'ZerosLike', 'OnesLike'];
const BINARY = ['Add', 'Sub', 'Multiply', 'RealDiv', 'FloorDiv', 'Mod', 'Maximum', 'Minimum', 'Pow'];
const BINARY_MORE = ['SquaredDifference', 'Atan2', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less'];
const LOGICAL = ['LessEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];
const REDUCE = ['Sum', 'Mean', 'Max', 'Min', 'Prod', 'All', 'Any'];

const pool = { filterSize: 2, strides: 2, pad: 'same' };
const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
const bnStats = () => ({ mean: floats([3]), variance: positive([3]), offset: floats([3]), scale: positive([3]) });

/** One call of each native kernel, by kernel name. */
const CASES: Record<string, () => unknown> = {
  ...Object.fromEntries([...UNARY, ...UNARY_MORE, ...UNARY_REST].map((k) => [k, () => run(k, { x: floats([2, 3]) })])),
  LogicalNot: () => run('LogicalNot', { x: bools([2, 3]) }),
  Step: () => run('Step', { x: floats([2, 3]) }, { alpha: 0 }),
  LeakyRelu: () => run('LeakyRelu', { x: floats([2, 3]) }, { alpha: 0.2 }),
  ClipByValue: () => run('ClipByValue', { x: floats([2, 3]) }, { clipValueMin: -1, clipValueMax: 1 }),
  ...Object.fromEntries(
    [...BINARY, ...BINARY_MORE, ...LOGICAL].map((k) => [
      k,
      () =>
        k.startsWith('Logical')
          ? run(k, { a: bools([2, 3]), b: bools([3]) })
          : run(k, { a: floats([2, 3]), b: positive([3]) }),
    ]),
  ),
  Prelu: () => run('Prelu', { x: floats([2, 3]), alpha: floats([3]) }),
  EluGrad: () => run('EluGrad', { dy: floats([2, 3]), y: floats([2, 3]) }),
  LibtorchReluGrad: () => run('LibtorchReluGrad', { dy: floats([2, 3]), x: floats([2, 3]) }),
  LibtorchRelu6Grad: () => run('LibtorchRelu6Grad', { dy: floats([2, 3]), x: floats([2, 3]) }),
  ...Object.fromEntries(
    REDUCE.map((k) => [
      k,
      () =>
        run(
          k,
          { x: k === 'All' || k === 'Any' ? bools([2, 3, 4]) : floats([2, 3, 4]) },
          {
            [k === 'Max' ? 'reductionIndices' : 'axis']: [0, 2],
            keepDims: false,
          },
        ),
    ]),
  ),
  ArgMax: () => run('ArgMax', { x: floats([2, 3]) }, { axis: 1 }),
  ArgMin: () => run('ArgMin', { x: floats([2, 3]) }, { axis: 0 }),
  LibtorchMeanGrad: () =>
    run('LibtorchMeanGrad', { dy: floats([2, 1]) }, { count: 3, expanded: [2, 1], shape: [2, 3] }),
  LibtorchSiluGrad: () => run('LibtorchSiluGrad', { dy: floats([2, 3]), x: floats([2, 3]) }),
  LibtorchGeluGrad: () => run('LibtorchGeluGrad', { dy: floats([2, 3]), x: floats([2, 3]) }),
  AddN: () => tf.addN([floats([2, 3]), floats([2, 3]), floats([2, 3])]),
  Select: () => run('Select', { condition: bools([2]), t: floats([2, 3]), e: floats([2, 3]) }),
  Cast: () => run('Cast', { x: floats([2, 3]) }, { dtype: 'int32' }),
  Identity: () => run('Identity', { x: floats([2, 3]) }),
  Fill: () => run('Fill', {}, { shape: [2, 3], value: 1.5, dtype: 'float32' }),
  Reshape: () => run('Reshape', { x: floats([2, 3]) }, { shape: [3, -1] }),
  Transpose: () => run('Transpose', { x: floats([2, 3, 4]) }, { perm: [2, 0, 1] }),
  Slice: () => run('Slice', { x: floats([3, 4]) }, { begin: [1, 0], size: [2, 3] }),
  Concat: () => tf.concat([floats([2, 3]), floats([2, 1])], 1),
  Pack: () => tf.stack([floats([2, 3]), floats([2, 3])], 1),
  Unpack: () => run('Unpack', { value: floats([2, 3]) }, { axis: 1 }),
  SplitV: () => run('SplitV', { x: floats([2, 5]) }, { numOrSizeSplits: [2, 3], axis: 1 }),
  Tile: () => run('Tile', { x: floats([2, 3]) }, { reps: [2, 1] }),
  PadV2: () =>
    run(
      'PadV2',
      { x: floats([2, 3]) },
      {
        paddings: [
          [1, 0],
          [0, 2],
        ],
        constantValue: 0.5,
      },
    ),
  Reverse: () => run('Reverse', { x: floats([2, 3]) }, { dims: [1] }),
  GatherV2: () => run('GatherV2', { x: floats([4, 3]), indices: ints([5], 4) }, { axis: 0, batchDims: 0 }),
  OneHot: () => run('OneHot', { indices: ints([4]) }, { depth: 3, onValue: 1, offValue: 0, dtype: 'float32' }),
  Softmax: () => run('Softmax', { logits: floats([2, 5]) }, { dim: -1 }),
  BatchMatMul: () =>
    run('BatchMatMul', { a: floats([2, 3]), b: floats([3, 4]) }, { transposeA: false, transposeB: false }),
  _FusedMatMul: () => tf.fused.matMul({ a: floats([2, 3]), b: floats([3, 4]), bias: floats([4]), activation: 'relu' }),
  Conv2D: () => run('Conv2D', { x: floats([1, 5, 5, 2]), filter: floats([3, 3, 2, 4]) }, conv),
  FusedConv2D: () =>
    tf.fused.conv2d({
      x: floats([1, 5, 5, 2]) as tf.Tensor4D,
      filter: floats([3, 3, 2, 4]) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: floats([4]),
      activation: 'relu',
    }),
  Conv2DBackpropInput: () =>
    run(
      'Conv2DBackpropInput',
      { dy: floats([1, 5, 5, 4]), filter: floats([3, 3, 2, 4]) },
      { ...conv, inputShape: [1, 5, 5, 2] },
    ),
  Conv2DBackpropFilter: () =>
    run(
      'Conv2DBackpropFilter',
      { x: floats([1, 5, 5, 2]), dy: floats([1, 5, 5, 4]) },
      { ...conv, filterShape: [3, 3, 2, 4] },
    ),
  DepthwiseConv2dNative: () =>
    run('DepthwiseConv2dNative', { x: floats([1, 5, 5, 2]), filter: floats([3, 3, 2, 1]) }, conv),
  FusedDepthwiseConv2D: () =>
    tf.fused.depthwiseConv2d({
      x: floats([1, 5, 5, 2]) as tf.Tensor4D,
      filter: floats([3, 3, 2, 1]) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: floats([2]),
      activation: 'relu6',
    }),
  DepthwiseConv2dNativeBackpropInput: () =>
    run(
      'DepthwiseConv2dNativeBackpropInput',
      { dy: floats([1, 5, 5, 2]), filter: floats([3, 3, 2, 1]) },
      { ...conv, inputShape: [1, 5, 5, 2] },
    ),
  DepthwiseConv2dNativeBackpropFilter: () =>
    run(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: floats([1, 5, 5, 2]), dy: floats([1, 5, 5, 2]) },
      { ...conv, filterShape: [3, 3, 2, 1] },
    ),
  MaxPool: () => run('MaxPool', { x: floats([1, 4, 4, 2]) }, pool),
  MaxPoolGrad: () => {
    const input = floats([1, 4, 4, 2]);
    const output = run('MaxPool', { x: input }, pool) as tf.Tensor;
    return run('MaxPoolGrad', { dy: floats([1, 2, 2, 2]), input, output }, pool);
  },
  AvgPool: () => run('AvgPool', { x: floats([1, 4, 4, 2]) }, pool),
  AvgPoolGrad: () => run('AvgPoolGrad', { dy: floats([1, 2, 2, 2]), input: floats([1, 4, 4, 2]) }, pool),
  FusedBatchNorm: () => run('FusedBatchNorm', { x: floats([2, 2, 2, 3]), ...bnStats() }, { varianceEpsilon: 1e-3 }),
  LibtorchFusedBatchNormGrad: () => {
    const { mean, variance, scale } = bnStats();
    const inputs = { dy: floats([2, 2, 2, 3]), x: floats([2, 2, 2, 3]), mean, variance, scale };
    return [0, 1, 2, 3, 4].map((which) => run('LibtorchFusedBatchNormGrad', inputs, { varianceEpsilon: 1e-3, which }));
  },
  LibtorchBatchNormTraining: () =>
    run(
      'LibtorchBatchNormTraining',
      { x: floats([2, 2, 2, 3]), gamma: positive([3]), beta: floats([3]) },
      { epsilon: 1e-3 },
    ),
  LibtorchBatchNormTrainingGrad: () => {
    const x = floats([2, 2, 2, 3]),
      gamma = positive([3]);
    const [, mean, , invstd] = run(
      'LibtorchBatchNormTraining',
      { x, gamma, beta: floats([3]) },
      { epsilon: 1e-3 },
    ) as tf.Tensor[];
    return run(
      'LibtorchBatchNormTrainingGrad',
      { dy: floats([2, 2, 2, 3]), x, gamma, mean, invstd },
      { epsilon: 1e-3 },
    );
  },
  LibtorchAdam: () =>
    run(
      'LibtorchAdam',
      {
        x: floats([2, 3]),
        m: floats([2, 3]),
        v: positive([2, 3]),
        g: floats([2, 3]),
        accBeta1: tf.scalar(0.9),
        accBeta2: tf.scalar(0.999),
      },
      { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01, decoupled: true },
    ),
  LibtorchSgd: () =>
    run(
      'LibtorchSgd',
      { x: floats([2, 3]), g: floats([2, 3]), c: tf.scalar(-0.1) },
      { learningRate: 0.1, weightDecay: 0.01, decoupled: false },
    ),
  LibtorchMomentum: () =>
    run(
      'LibtorchMomentum',
      { x: floats([2, 3]), accumulation: floats([2, 3]), g: floats([2, 3]), c: tf.scalar(-0.1), mu: tf.scalar(0.9) },
      { learningRate: 0.1, useNesterov: true },
    ),
  LibtorchRandomNormal: () => run('LibtorchRandomNormal', {}, { seed: 5, shape: [2, 3] }),
  LibtorchDropoutMask: () => run('LibtorchDropoutMask', {}, { keep: 0.8, shape: [2, 3] }),
  LibtorchIntensity: () =>
    run(
      'LibtorchIntensity',
      { x: positive([2, 4, 4, 1]), values: positive([2, 2]) },
      { black: 0, white: 2, codes: [0, 3], seeds: [0, 11] },
    ),
  ResizeBilinear: () =>
    run(
      'ResizeBilinear',
      { images: floats([1, 3, 4, 2]) },
      { size: [5, 6], alignCorners: false, halfPixelCenters: true },
    ),
  ResizeBilinearGrad: () =>
    run(
      'ResizeBilinearGrad',
      { images: floats([1, 3, 4, 2]), dy: floats([1, 5, 6, 2]) },
      { alignCorners: false, halfPixelCenters: true },
    ),
  FlipLeftRight: () => run('FlipLeftRight', { image: floats([2, 3, 4, 1]) }),
  Transform: () =>
    run(
      'Transform',
      { image: floats([2, 5, 5, 1]), transforms: tf.tensor2d([[1, 0.1, 0.5, 0, 1, -0.5, 0, 0]]) },
      { interpolation: 'bilinear', fillMode: 'reflect', fillValue: 0, outputShape: null },
    ),
};

describe('every native kernel', { skip: skipReason }, () => {
  const native = new Set(nativeKernels.map((k) => k.kernelName));
  it('has a case here (add one for a new native kernel)', () => {
    assert.deepEqual([...native].filter((k) => !(k in CASES)).sort(), []);
  });
  it('is in the native list (not left to the cpu fallback)', () => {
    assert.deepEqual(
      Object.keys(CASES)
        .filter((k) => !native.has(k))
        .sort(),
      [],
    );
  });
  for (const [name, call] of Object.entries(CASES)) {
    // Transform loops over host memory and has no formulation for other devices (native/kernels/transform.cc).
    const skip = name === 'Transform' && testDevice !== 'cpu' ? `runs on the CPU only (${testDevice})` : false;
    it(`${name} runs natively`, { skip }, async () => {
      await tf.setBackend('libtorch');
      resetFallbackCounts();
      tf.tidy(() => {
        const out = call();
        // Reading the outputs makes sure the call produced real tensors.
        for (const t of [out].flat(2) as tf.Tensor[]) assert.ok(t.dataSync().length >= 0);
      });
      assert.deepEqual(fallbackCounts(), {}, `${name} (or a kernel it calls) fell back to the cpu backend`);
    });
  }
});
