/** The fused BatchNormalization training path on libtorch against tfjs-layers' own on the cpu backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { getNumThreads, type LibtorchBackend, setNumThreads } from '../src/index.js';
import { compareBackends, cpuOnlySkip, hostLoopsSkip, skipReason, withConvLayout } from '../testing/helpers.js';

/** One training step of a BatchNorm layer: its output, dx, dgamma, dbeta, then the moving mean and variance. */
function step(x: tf.Tensor, dy: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
  const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  layer.build(x.shape);
  const c = x.shape[x.rank - 1];
  layer.setWeights([gamma, beta, tf.fill([c], 0.2), tf.fill([c], 1.5)]);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, dy)) as tf.Scalar,
    vars,
  );
  const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, dy)))(x);
  const [, , movingMean, movingVariance] = layer.getWeights();
  const out = [y, dx, grads[vars[0].name], grads[vars[1].name], movingMean.clone(), movingVariance.clone()];
  return out;
}

describe('BatchNormalization in training', { skip: skipReason }, () => {
  it('output, gradients and moving statistics match tfjs-layers (NHWC and [N, C])', async () => {
    for (const shape of [
      [4, 5, 6, 3],
      [1, 3, 3, 8],
      [6, 4],
    ]) {
      const c = shape[shape.length - 1];
      await compareBackends(
        `batch norm ${shape}`,
        step,
        [{ shape }, { shape }, { shape: [c], range: [0.5, 1.5] }, { shape: [c] }],
        2e-4,
      );
    }
  });
  it('keeps tfjs-layers for inference and for one value per channel, and leaks nothing', () => {
    tf.setBackend('libtorch');
    const layer = tfl.layers.batchNormalization({});
    const x = tf.randomNormal([1, 1, 1, 4]);
    layer.apply(x, { training: true }); // a single value per channel: tfjs' own code (ATen would refuse it)
    const before = tf.memory().numTensors;
    const big = tf.randomNormal([8, 5, 5, 4]);
    for (let i = 0; i < 20; i++)
      tf.tidy(() => {
        tf.grad((xi: tf.Tensor) => tf.sum(layer.apply(xi, { training: true }) as tf.Tensor))(big);
      });
    assert.equal(tf.memory().numTensors, before + 1, 'only the input stays');
    tf.dispose([x, big]);
  });
});

describe('BatchNorm in training and per-channel sums, our host loops', { skip: cpuOnlySkip }, () => {
  it('give the same bits on one thread and on two (sums in blocks that the channel count fixes), in both memory orders', {
    skip: hostLoopsSkip,
  }, async () => {
    await tf.setBackend('libtorch');
    const b = tf.backend() as LibtorchBackend;
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    const x = tf.add(tf.randomNormal([64, 28, 28, 16], 0, 1, 'float32', 1), 2);
    // A 64-channel 3x3 convolution writes NCHW memory (planes of one channel) under layout 'mixed'.
    const planes = withConvLayout('mixed', () =>
      tf.conv2d(
        tf.randomNormal([8, 10, 10, 64], 0, 1, 'float32', 2) as tf.Tensor4D,
        tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    const run = (input: tf.Tensor): Uint32Array[] => {
      const c = input.shape[3] as number;
      const gamma = tf.linspace(0.5, 1.5, c),
        beta = tf.linspace(-1, 1, c),
        dy = tf.cos(input);
      const [y, mean, variance, invstd] = b.run(
        'batch_norm_training',
        [info(input), info(gamma), info(beta)],
        { epsilon: 1e-3 },
        'float32',
      );
      const grads = b.run(
        'batch_norm_training_grad',
        [info(dy), info(input), info(gamma), mean, invstd],
        { epsilon: 1e-3 },
        'float32',
      );
      // The sum over all axes but the last (a bias gradient) takes the same loop.
      const sum = b.run1('sum', [info(dy)], { keepDims: false, axes: [0, 1, 2] });
      const outs = [y, mean, variance, invstd, ...grads, sum];
      const bits = outs.map((t) => new Uint32Array((b.readSync(t.dataId) as Float32Array).slice().buffer));
      for (const t of outs) b.disposeData(t.dataId);
      tf.dispose([gamma, beta, dy]);
      return bits;
    };
    const threads = getNumThreads();
    try {
      for (const input of [x, planes]) {
        setNumThreads(1);
        const one = run(input);
        setNumThreads(2);
        const two = run(input);
        one.forEach((bits, k) => assert.deepEqual(two[k], bits, `output ${k} of ${input.shape}`));
      }
    } finally {
      setNumThreads(threads);
    }
    tf.dispose([x, planes]);
  });

  it('refuse operands of the wrong size with the reason (never read past them)', async () => {
    await tf.setBackend('libtorch');
    const b = tf.backend() as LibtorchBackend;
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    const x = tf.randomNormal([2, 4, 4, 3]),
      three = tf.ones([3]),
      two = tf.ones([2]);
    assert.throws(
      () => b.run('batch_norm_training', [info(x), info(two), info(three)], { epsilon: 1e-3 }),
      /gamma and beta need 3 values/,
    );
    const dy = tf.ones([2, 4, 4, 2]);
    assert.throws(
      () =>
        b.run('batch_norm_training_grad', [info(dy), info(x), info(three), info(three), info(three)], {
          epsilon: 1e-3,
        }),
      /dy and x need one shape/,
    );
    // The direct first-layer convolution (3 x 3 x 3 taps, 16 out) with a bias of 2 values.
    const image = tf.randomNormal([1, 6, 6, 3]),
      filter = tf.randomNormal([3, 3, 3, 16]);
    const geometry = {
      strideHeight: 1,
      strideWidth: 1,
      padTop: 1,
      padBottom: 1,
      padLeft: 1,
      padRight: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      depthwise: false,
      activation: 0,
      leakyreluAlpha: 0,
      hasBias: true,
      hasPrelu: false,
    };
    assert.throws(() => b.run1('conv2d', [info(image), info(filter), info(two)], geometry), /the bias needs 16 values/);
    tf.dispose([x, three, two, dy, image, filter]);
  });

  it("sums over all axes but the last: the cpu backend's values (rows, NCHW planes, [N, C])", async () => {
    await compareBackends('sum of rows', (x) => tf.sum(x, [0, 1, 2]), [{ shape: [5, 7, 6, 19] }], 1e-5);
    await compareBackends('sum of [N, C]', (x) => tf.sum(x, 0), [{ shape: [33, 10] }], 1e-5);
    await compareBackends(
      'sum of NCHW planes',
      (x, w) =>
        // NCHW memory for this 3x3 64 -> 64 convolution
        withConvLayout('mixed', () => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [0, 1, 2])),
      [{ shape: [2, 5, 5, 64] }, { shape: [3, 3, 64, 64], range: [-0.1, 0.1] }],
      1e-4,
    );
  });
});
