/**
 * The fused optimizer steps on libtorch (Adam, SGD, momentum, with and without weight decay) against tfjs'
 * own optimizers on the cpu backend, where the weight decay is composed in JS as medcnn does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { setWeightDecay } from '../src/index.js';
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
    await convFilterSteps('adam on a conv filter', () => tf.train.adam(0.01));
    await convFilterSteps('momentum on a conv filter', () => tf.train.momentum(0.01, 0.9));
    await convFilterSteps('sgd on a conv filter', () => tf.train.sgd(0.01));
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

type Kind = 'sgd' | 'momentum' | 'nesterov' | 'adam';
const KINDS: Kind[] = ['sgd', 'momentum', 'nesterov', 'adam'];
const make = (kind: Kind, lr: number): tf.Optimizer =>
  kind === 'sgd'
    ? tf.train.sgd(lr)
    : kind === 'adam'
      ? tf.train.adam(lr, 0.9, 0.999, 1e-8)
      : tf.train.momentum(lr, 0.9, kind === 'nesterov');
const setRate = (kind: Kind, opt: tf.Optimizer, lr: number): void => {
  // As medcnn's schedule does: SGD and momentum renew their −lr scalar, Adam reads its field at each step.
  if (kind === 'adam') (opt as unknown as { learningRate: number }).learningRate = lr;
  else (opt as tf.SGDOptimizer).setLearningRate(lr);
};

/**
 * Five steps on two variables, the learning rate changed between steps, with weight decay as medcnn applies
 * it: inside the fused kernel where setWeightDecay says so (libtorch), else composed in JS (cpu). Returns the
 * variables and the optimizer's state.
 */
const train =
  (kind: Kind, wd: number, decoupled: boolean) =>
  (x0: tf.Tensor, y0: tf.Tensor, gx: tf.Tensor, gy: tf.Tensor): tf.Tensor[] => {
    const vars = [tf.variable(x0.clone()), tf.variable(y0.clone())];
    const opt = make(kind, 0.1);
    const fused = setWeightDecay(opt, wd, decoupled);
    assert.equal(fused, tf.getBackend() === 'libtorch');
    const rates = [0.1, 0.05, 0.2, 0.01, 0.1];
    for (let k = 0; k < rates.length; k++) {
      setRate(kind, opt, rates[k]);
      const grads = vars.map((v, j) => {
        let g = tf.mul([gx, gy][j], k % 2 ? -0.5 * k : k + 1);
        if (!fused && wd > 0 && decoupled) v.assign(tf.mul(v, 1 - rates[k] * wd));
        if (!fused && wd > 0 && !decoupled) g = tf.add(g, tf.mul(v, wd));
        return { name: v.name, tensor: g };
      });
      // Both forms tfjs accepts: a list of named gradients and a map by name.
      opt.applyGradients(k % 2 ? grads : Object.fromEntries(grads.map((g) => [g.name, g.tensor])));
    }
    const s = opt as unknown as {
      accumulations?: { variable: tf.Variable }[];
      accumulatedFirstMoment?: { variable: tf.Variable }[];
      accumulatedSecondMoment?: { variable: tf.Variable }[];
      accBeta1?: tf.Variable;
      accBeta2?: tf.Variable;
    };
    const state = [
      ...(s.accumulations ?? []),
      ...(s.accumulatedFirstMoment ?? []),
      ...(s.accumulatedSecondMoment ?? []),
    ].map((a) => a.variable.clone());
    if (s.accBeta1 && s.accBeta2) state.push(s.accBeta1.clone(), s.accBeta2.clone());
    const out = [...vars.map((v) => v.clone()), ...state, tf.scalar(opt.iterations)];
    opt.dispose();
    tf.dispose(vars);
    return out;
  };

describe('SGD, momentum and weight decay', { skip: skipReason }, () => {
  const specs = [{ shape: [3, 4] }, { shape: [5] }, { shape: [3, 4] }, { shape: [5] }];
  for (const kind of KINDS) {
    it(`${kind}: matches tfjs on cpu step for step with rate changes (variables, state), no weight decay`, async () => {
      await compareBackends(`${kind}`, train(kind, 0, false), specs, 1e-5);
    });
    it(`${kind}: L2 weight decay in the kernel matches g + wd·x composed in JS`, async () => {
      await compareBackends(`${kind} L2`, train(kind, 0.05, false), specs, 1e-5);
    });
    it(`${kind}: decoupled weight decay in the kernel matches x·(1 − lr·wd) composed in JS`, async () => {
      await compareBackends(`${kind} decoupled`, train(kind, 0.05, true), specs, 1e-5);
    });
  }

  it('runs one native kernel per variable per step, and leaves no tensors behind', async () => {
    await tf.setBackend('libtorch');
    const vars = [tf.variable(tf.ones([3, 4])), tf.variable(tf.ones([5])), tf.variable(tf.ones([3, 3, 2, 4]))];
    const grads = vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
    const kernelOf: Record<Kind, string> = {
      sgd: 'LibtorchSgd',
      momentum: 'LibtorchMomentum',
      nesterov: 'LibtorchMomentum',
      adam: 'LibtorchAdam',
    };
    for (const kind of KINDS) {
      for (const wd of [0, 0.01]) {
        const opt = make(kind, 0.1);
        setWeightDecay(opt, wd, kind === 'adam');
        opt.applyGradients(grads); // creates the state
        const before = tf.memory().numTensors;
        const info = await tf.profile(() => {
          opt.applyGradients(grads);
        });
        const counts: Record<string, number> = {};
        for (const k of info.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
        // Adam also advances β1ᵗ and β2ᵗ, once per step for all variables.
        const want = kind === 'adam' ? { LibtorchAdam: 3, Multiply: 2 } : { [kernelOf[kind]]: 3 };
        assert.deepEqual(counts, want, `${kind}, weight decay ${wd}`);
        assert.equal(tf.memory().numTensors, before, `${kind}: no tensor leaks per step`);
        opt.dispose();
      }
    }
    tf.dispose([...vars, ...grads.map((g) => g.tensor)]);
  });

  it('setWeightDecay stores nothing on other backends; a decay set on libtorch refuses a step elsewhere', async () => {
    await tf.setBackend('cpu');
    const opt = tf.train.sgd(0.5);
    const x = tf.variable(tf.ones([2]));
    assert.equal(setWeightDecay(opt, 0.1, false), false);
    opt.applyGradients({ [x.name]: tf.ones([2]) });
    assert.deepEqual(Array.from(x.dataSync()), [0.5, 0.5], "tfjs' own step, without decay");
    await tf.setBackend('libtorch');
    assert.equal(setWeightDecay(opt, 0.1, false), true);
    const rmsprop = tf.train.rmsprop(0.1);
    assert.equal(setWeightDecay(rmsprop, 0.1, false), false, 'no fused RMSProp');
    rmsprop.dispose();
    assert.throws(() => setWeightDecay(opt, -1, false), RangeError);
    await tf.setBackend('cpu');
    assert.throws(() => opt.applyGradients({ [x.name]: tf.ones([2]) }), /setWeightDecay/);
    assert.equal(setWeightDecay(opt, 0, false), false);
    opt.applyGradients({ [x.name]: tf.ones([2]) });
    assert.deepEqual(Array.from(x.dataSync()), [0, 0]);
    tf.dispose(x);
    opt.dispose();
    await tf.setBackend('libtorch');
  });
});

/** Three steps on a convolution filter whose gradient comes in oneDNN's memory order, on libtorch and cpu. */
async function convFilterSteps(name: string, make: () => tf.Optimizer): Promise<void> {
  // On libtorch the filter gradient and then the variable are stored (out, kh, kw, in) for oneDNN;
  // every later read, convolution and update must see the same numbers as on cpu.
  const train = (x0: tf.Tensor, input: tf.Tensor, dy: tf.Tensor): tf.Tensor[] => {
    const w = tf.variable(x0.clone());
    const opt = make();
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
  await compareBackends(name, train, [{ shape: [3, 3, 2, 4] }, { shape: [2, 5, 5, 2] }, { shape: [2, 5, 5, 4] }], 1e-4);
}
