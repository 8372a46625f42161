/** The fused BatchNormalization training path on libtorch against tfjs-layers' own on the cpu backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { compareBackends, skipReason } from '../testing/helpers.js';

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
