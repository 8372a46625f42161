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
    const state = opt as unknown as {
      accumulatedFirstMoment: { variable: tf.Variable }[];
      accumulatedSecondMoment: { variable: tf.Variable }[];
      accBeta1: tf.Variable;
      accBeta2: tf.Variable;
    };
    const out = [
      x.clone(),
      state.accumulatedFirstMoment[0].variable.clone(),
      state.accumulatedSecondMoment[0].variable.clone(),
      state.accBeta1.clone(),
      state.accBeta2.clone(),
    ];
    opt.dispose();
    x.dispose();
    return out;
  };
  it('matches tfjs AdamOptimizer step for step (variable, moments, β powers)', async () => {
    await compareBackends(
      'adam 1e-3',
      (x, g) => steps(x, g, 1e-3, 1e-8),
      [{ shape: [3, 4, 5] }, { shape: [3, 4, 5] }],
      1e-5,
    );
    await compareBackends(
      'adam 0.1 large eps',
      (x, g) => steps(x, g, 0.1, 1e-3),
      [{ shape: [7] }, { shape: [7] }],
      1e-5,
    );
  });
  it("keeps a convolution filter in its gradient's memory order and still matches tfjs on cpu", async () => {
    // On libtorch the filter gradient and then the variable are stored (out, kh, kw, in) for oneDNN;
    // every later read, convolution and update must see the same numbers as on cpu.
    const train = (x0: tf.Tensor, input: tf.Tensor, dy: tf.Tensor): tf.Tensor[] => {
      const w = tf.variable(x0.clone());
      const opt = tf.train.adam(0.01);
      for (let k = 0; k < 3; k++) {
        const filterGrad = tf.grad((f: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(tf.mul(input, k + 1) as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), dy)),
        );
        opt.applyGradients([{ name: w.name, tensor: filterGrad(w) }]);
      }
      const out = [
        w.clone(),
        tf.conv2d(input as tf.Tensor4D, w as tf.Variable<tf.Rank.R4>, 1, 'same'),
        tf.reshape(w, [-1, 4]),
        tf.transpose(w, [3, 0, 1, 2]),
      ];
      opt.dispose();
      w.dispose();
      return out;
    };
    await compareBackends(
      'adam on a conv filter',
      train,
      [{ shape: [3, 3, 2, 4] }, { shape: [2, 5, 5, 2] }, { shape: [2, 5, 5, 4] }],
      1e-4,
    );
  });
  it('leaves no tensors behind and trains a model through minimize()', () => {
    tf.setBackend('libtorch');
    const w = tf.variable(tf.tensor2d([[0.5], [-0.3]]));
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ]);
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
