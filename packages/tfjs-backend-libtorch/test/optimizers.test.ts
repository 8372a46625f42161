/** The fused Adam step on libtorch against tfjs' own AdamOptimizer on the cpu backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { compareBackends, skipReason } from '../testing/helpers.js';

describe('Adam', { skip: skipReason }, () => {
  // Five steps with changing gradients, then the variable, its two moments and β1ᵗ, β2ᵗ.
  const steps = (x0: tf.Tensor, g: tf.Tensor, lr: number, eps: number): tf.Tensor[] => {
    const x = tf.variable(x0.clone());
    const opt = tf.train.adam(lr, 0.9, 0.999, eps);
    for (let k = 0; k < 5; k++) opt.applyGradients({ [x.name]: tf.mul(g, tf.scalar(k % 2 ? -0.5 * k : k + 1)) });
    const state = opt as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[]; accBeta1: tf.Variable; accBeta2: tf.Variable };
    const out = [x.clone(), state.accumulatedFirstMoment[0].variable.clone(), state.accumulatedSecondMoment[0].variable.clone(), state.accBeta1.clone(), state.accBeta2.clone()];
    opt.dispose();
    x.dispose();
    return out;
  };
  it('matches tfjs AdamOptimizer step for step (variable, moments, β powers)', async () => {
    await compareBackends('adam 1e-3', (x, g) => steps(x, g, 1e-3, 1e-8), [{ shape: [3, 4, 5] }, { shape: [3, 4, 5] }], 1e-5);
    await compareBackends('adam 0.1 large eps', (x, g) => steps(x, g, 0.1, 1e-3), [{ shape: [7] }, { shape: [7] }], 1e-5);
  });
  it('leaves no tensors behind and trains a model through minimize()', () => {
    tf.setBackend('libtorch');
    const w = tf.variable(tf.tensor2d([[0.5], [-0.3]]));
    const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5]]);
    const y = tf.tensor2d([[1], [0], [0.5]]);
    const opt = tf.train.adam(0.05);
    const loss = () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar;
    const first = loss().dataSync()[0];
    opt.minimize(loss); // creates the moments
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) opt.minimize(loss);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks per step');
    assert.ok(loss().dataSync()[0] < first / 2, 'the loss falls');
    tf.dispose([w, x, y]);
    opt.dispose();
  });
});
