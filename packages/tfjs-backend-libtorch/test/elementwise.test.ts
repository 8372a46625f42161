/** Elementwise kernels against the cpu backend: broadcasting in every direction, int32 and bool, gradients. */
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { compareBackends, skipReason } from '../testing/helpers.js';

const broadcastPairs: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [3, 1],
    [2, 1, 4],
  ],
  [[], [2, 2]],
  [[2, 2], []],
  [[1, 5, 5, 3], [3]],
];

type Bin = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const arith: Record<string, Bin> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  maximum: tf.maximum,
  minimum: tf.minimum,
  squaredDifference: tf.squaredDifference,
  atan2: tf.atan2,
};
const compare: Record<string, Bin> = {
  equal: tf.equal,
  notEqual: tf.notEqual,
  greater: tf.greater,
  greaterEqual: tf.greaterEqual,
  less: tf.less,
  lessEqual: tf.lessEqual,
};

describe('binary ops', { skip: skipReason }, () => {
  for (const [name, op] of Object.entries({ ...arith, ...compare })) {
    it(`${name} float32, broadcasting`, async () => {
      for (const [sa, sb] of broadcastPairs)
        await compareBackends(`${name} [${sa}] [${sb}]`, op, [{ shape: sa }, { shape: sb }]);
    });
  }
  for (const name of ['add', 'sub', 'mul', 'maximum', 'minimum', 'equal', 'less', 'greaterEqual']) {
    const op = (arith[name] ?? compare[name])!;
    it(`${name} int32`, async () => {
      await compareBackends(name, op, [
        { shape: [2, 3], dtype: 'int32' },
        { shape: [3], dtype: 'int32' },
      ]);
    });
  }
  it('floorDiv and mod int32 and float32 (floor semantics)', async () => {
    const b = { shape: [6], dtype: 'int32' as const, values: [3, -3, 2, -2, 7, 5] };
    await compareBackends('floorDiv', tf.floorDiv, [{ shape: [6], dtype: 'int32' }, b]);
    await compareBackends('mod', tf.mod, [{ shape: [6], dtype: 'int32' }, b]);
    await compareBackends('floorDiv f', tf.floorDiv, [{ shape: [6] }, { shape: [6], values: [3, -3, 2, -2, 7, 5] }]);
    await compareBackends('mod f', tf.mod, [{ shape: [6] }, { shape: [6], values: [3, -3, 2, -2, 7, 5] }]);
  });
  it('pow', async () => {
    await compareBackends('pow', tf.pow, [{ shape: [2, 3], range: [0.1, 3] }, { shape: [3] }]);
    await compareBackends('pow int', tf.pow, [
      { shape: [4], dtype: 'int32' },
      { shape: [4], dtype: 'int32', values: [0, 1, 2, 3] },
    ]);
  });
  it('logical ops on bool', async () => {
    for (const op of [tf.logicalAnd, tf.logicalOr, tf.logicalXor]) {
      await compareBackends('logical', op, [
        { shape: [2, 3], dtype: 'bool' },
        { shape: [3], dtype: 'bool' },
      ]);
    }
    await compareBackends('logicalNot', tf.logicalNot, [{ shape: [5], dtype: 'bool' }]);
  });
  it('gradients with broadcasting', async () => {
    for (const [name, op] of Object.entries(arith)) {
      if (name === 'atan2') continue;
      for (const [sa, sb] of broadcastPairs) {
        // tfjs's own maximum/minimum/squaredDifference gradients do not reduce broadcast dimensions.
        if (['maximum', 'minimum', 'squaredDifference'].includes(name) && sa.join() !== sb.join()) continue;
        await compareBackends(
          `grad ${name} [${sa}] [${sb}]`,
          (a, b) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(op(x, y), tf.onesLike(op(x, y)))))([a, b]),
          [{ shape: sa }, { shape: sb, range: [0.5, 2] }],
          1e-3,
        );
      }
    }
  });
  it('addN, prelu, select', async () => {
    await compareBackends('addN', (a, b, c) => tf.addN([a, b, c]), [
      { shape: [2, 3] },
      { shape: [2, 3] },
      { shape: [2, 3] },
    ]);
    await compareBackends('prelu', tf.prelu, [{ shape: [2, 4, 3] }, { shape: [3] }]);
    await compareBackends('where', tf.where, [{ shape: [2, 3], dtype: 'bool' }, { shape: [2, 3] }, { shape: [2, 3] }]);
    await compareBackends('where int', tf.where, [
      { shape: [4], dtype: 'bool' },
      { shape: [4], dtype: 'int32' },
      { shape: [4], dtype: 'int32' },
    ]);
  });
});

const unary: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  abs: tf.abs,
  neg: tf.neg,
  exp: tf.exp,
  expm1: tf.expm1,
  square: tf.square,
  relu: tf.relu,
  relu6: tf.relu6,
  elu: tf.elu,
  selu: tf.selu,
  sigmoid: tf.sigmoid,
  softplus: tf.softplus,
  tanh: tf.tanh,
  sin: tf.sin,
  cos: tf.cos,
  erf: tf.erf,
  floor: tf.floor,
  ceil: tf.ceil,
  round: tf.round,
  sign: tf.sign,
  step: (x) => tf.step(x, 0.3),
  leakyRelu: (x) => tf.leakyRelu(x, 0.1),
  clipByValue: (x) => tf.clipByValue(x, -0.5, 0.7),
  zerosLike: tf.zerosLike,
  onesLike: tf.onesLike,
  isNaN: tf.isNaN,
  isFinite: tf.isFinite,
  isInf: tf.isInf,
};
const positive: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  log: tf.log,
  log1p: tf.log1p,
  sqrt: tf.sqrt,
  rsqrt: tf.rsqrt,
  reciprocal: tf.reciprocal,
};

describe('unary ops', { skip: skipReason }, () => {
  it('float32 forward and gradient', async () => {
    for (const [name, op] of Object.entries(unary)) {
      await compareBackends(name, op, [{ shape: [3, 7] }]);
      if (
        ['isNaN', 'isFinite', 'isInf', 'zerosLike', 'onesLike', 'floor', 'ceil', 'round', 'sign', 'step'].includes(name)
      )
        continue;
      await compareBackends(
        `grad ${name}`,
        (x) => tf.grad((y: tf.Tensor) => tf.sum(op(y)))(x),
        [{ shape: [3, 7] }],
        1e-3,
      );
    }
    for (const [name, op] of Object.entries(positive)) {
      await compareBackends(name, op, [{ shape: [3, 7], range: [0.1, 4] }]);
      await compareBackends(
        `grad ${name}`,
        (x) => tf.grad((y: tf.Tensor) => tf.sum(op(y)))(x),
        [{ shape: [3, 7], range: [0.1, 4] }],
        1e-3,
      );
    }
  });
  it('int32 where tfjs keeps int32', async () => {
    for (const op of [tf.abs, tf.neg, tf.square, tf.relu, tf.sign, tf.zerosLike, tf.onesLike]) {
      await compareBackends('int unary', op, [{ shape: [9], dtype: 'int32' }]);
    }
  });
  it('round is half to even; NaN passes through step', async () => {
    await compareBackends('round', tf.round, [{ shape: [6], values: [0.5, 1.5, 2.5, -0.5, -1.5, 2.4] }]);
    await compareBackends('step', (x) => tf.step(x), [{ shape: [4], values: [NaN, 0, -1, 2] }]);
  });
  it('cast between float32, int32, bool', async () => {
    for (const from of ['float32', 'int32', 'bool'] as const) {
      for (const to of ['float32', 'int32', 'bool'] as const) {
        await compareBackends(`cast ${from}->${to}`, (x) => tf.cast(x, to), [
          { shape: [8], dtype: from, values: from === 'float32' ? [-2.7, -0.2, 0, 0.3, 1.9, 3, -3, 5.5] : undefined },
        ]);
      }
    }
  });
  it('SiLU and exact GELU gradients (LibtorchSiluGrad, LibtorchGeluGrad) against tfjs autodiff of the composed ops', async () => {
    const silu = (x: tf.Tensor) => tf.mul(tf.sigmoid(x), x);
    const gelu = (x: tf.Tensor) => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
    for (const [kernel, f] of [
      ['LibtorchSiluGrad', silu],
      ['LibtorchGeluGrad', gelu],
    ] as const) {
      // On libtorch the one kernel; on cpu, tfjs' gradient of the composition it replaces.
      const grad = (dy: tf.Tensor, x: tf.Tensor) =>
        tf.getBackend() === 'libtorch'
          ? (tf.engine().runKernel(kernel, { dy, x }) as tf.Tensor)
          : tf.grad((v: tf.Tensor) => f(v))(x, dy);
      await compareBackends(kernel, (x, dy) => grad(dy, x), [
        { shape: [3, 4, 5], range: [-8, 8] },
        { shape: [3, 4, 5] },
      ]);
    }
  });
  it('softmax and logSoftmax with gradient', async () => {
    await compareBackends('softmax', (x) => tf.softmax(x), [{ shape: [4, 5] }]);
    await compareBackends('logSoftmax', (x) => tf.logSoftmax(x), [{ shape: [4, 5] }]);
    await compareBackends(
      'grad softmax',
      (x, w) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.softmax(y), w)))(x),
      [{ shape: [4, 5] }, { shape: [4, 5] }],
      1e-3,
    );
  });
});
