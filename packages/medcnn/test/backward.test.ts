import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { variableGrads } from '../src/engine/backward.js';
import { seedEverything } from '../src/engine/seed.js';
import { applyForTraining, createModel } from '../src/models/index.js';

// Our backward pass against tfjs' own: the same gradients, bit for bit (the same kernels in the same order),
// less peak memory, and nothing left behind. On the native backend where it is built, else on wasm.
before(async () => {
  await initEngine({ backend: process.env.MEDCNN_BACKEND ?? 'auto', threads: 1 });
  seedEverything(3);
});

function batch(model: tfl.LayersModel, n: number): { x: tf.Tensor; y: tf.Tensor } {
  const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  const x = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 5);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % classes),
      'int32',
    ),
    classes,
  );
  return { x, y };
}

/** One loss and its gradients by `grads` (ours or tfjs'), read back, with the peak bytes of live tensors. */
function gradientsBy(
  grads: typeof variableGrads,
  forward: typeof applyForTraining,
  model: tfl.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
): { loss: number; values: Float32Array[]; leaked: number } {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const before = tf.memory().numTensors;
  seedEverything(9); // dropout draws its masks from Math.random's seeds: the same draws on both sides
  const info = tf.tidy(() => {
    const lossOf = () => tf.losses.softmaxCrossEntropy(data.y, forward(model, [data.x])[0]) as tf.Scalar;
    return grads(lossOf, vars);
  });
  const loss = info.value.dataSync()[0];
  const values = vars.map((v) => info.grads[v.name].dataSync() as Float32Array);
  tf.dispose([info.value, ...Object.values(info.grads)]);
  return { loss, values, leaked: tf.memory().numTensors - before };
}

const tfjsGrads: typeof variableGrads = (f, vars) => tf.variableGrads(f, vars) as ReturnType<typeof variableGrads>;
const tfjsApply: typeof applyForTraining = (model, inputs) => [model.apply(inputs, { training: true }) as tf.Tensor];

// Add (ResNet's shortcut), Concat (DenseNet), depthwise convolutions, SiLU gates and stochastic depth
// (EfficientNet), attention, LayerNorm and GELU (ViT): each hands gradients to several inputs.
const cases: [string, number, number][] = [
  ['simplecnn', 28, 1],
  ['resnet18', 28, 1],
  ['densenet121', 28, 3],
  ['mobilenet_v2', 32, 3],
  ['efficientnet_b0', 32, 3],
  ['vit_tiny', 28, 1],
];

for (const [name, side, channels] of cases) {
  test(`${name}: the same loss and gradients as model.apply with tf.variableGrads, bit for bit, and no tensor left behind`, () => {
    const model = createModel(name, { inputShape: [side, side, channels], numClasses: 2 });
    const data = batch(model, 4);
    try {
      const theirs = gradientsBy(tfjsGrads, tfjsApply, model, data);
      const ours = gradientsBy(variableGrads, applyForTraining, model, data);
      assert.ok(Number.isFinite(ours.loss));
      assert.equal(ours.loss, theirs.loss);
      assert.equal(ours.values.length, theirs.values.length);
      ours.values.forEach((g, k) => assert.deepEqual(g, theirs.values[k], `gradient ${k} of ${name}`));
      assert.equal(ours.leaked, 0, 'tensors left behind by our backward pass');
      assert.equal(theirs.leaked, 0);
    } finally {
      tf.dispose([data.x, data.y]);
      model.dispose();
    }
  });
}

/** Bytes of live tensors when the backward pass of a chain of nine convolutions through `grads` ends. */
function heldAtBackwardEnd(grads: typeof variableGrads): number {
  const w = [tf.variable(tf.randomNormal([3, 3, 1, 16], 0, 0.3, 'float32', 1), true, 'bw-w0')];
  for (let k = 1; k <= 8; k++)
    w.push(tf.variable(tf.randomNormal([3, 3, 16, 16], 0, 0.3, 'float32', k + 1), true, `bw-w${k}`));
  const x = tf.randomNormal([8, 24, 24, 1], 0, 1, 'float32', 20);
  let atBackwardEnd = 0;
  // Its gradient runs last of all (its input is the first tensor that depends on a variable): it sees what the
  // backward pass still holds when it ends.
  const probe = tf.customGrad(((h: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return {
      value: tf.clone(h),
      gradFunc: (dy: tf.Tensor) => {
        atBackwardEnd = tf.memory().numBytes;
        return tf.clone(dy);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (h: tf.Tensor) => tf.Tensor;
  const base = tf.memory().numBytes;
  const { value, grads: g } = grads(() => {
    let h = probe(tf.conv2d(x as tf.Tensor4D, w[0] as tf.Tensor4D, 1, 'same'));
    for (let k = 1; k < w.length; k++) h = tf.relu(tf.conv2d(h as tf.Tensor4D, w[k] as tf.Tensor4D, 1, 'same'));
    return tf.mean(h) as tf.Scalar;
  }, w);
  tf.dispose([value, ...Object.values(g), x, ...w]);
  return atBackwardEnd - base;
}

test('the backward pass frees each gradient of an intermediate once it is used: far less held at its end than tfjs holds', () => {
  const theirs = heldAtBackwardEnd(tfjsGrads);
  const ours = heldAtBackwardEnd(variableGrads);
  // tfjs holds the gradients of all 17 intermediates (8×24×24×16 floats each) to the end; ours, a few.
  assert.ok(theirs > 17 * 8 * 24 * 24 * 16 * 4, `tfjs held ${theirs} bytes`);
  assert.ok(ours < theirs / 3, `held at the end of the backward pass: ours ${ours} bytes, tfjs ${theirs}`);
});

test('a forward pass for training frees what no gradient needs: an activation read only by a padding', () => {
  const model = createModel('efficientnet_b0', { inputShape: [64, 64, 3], numClasses: 2 });
  const data = batch(model, 4);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const liveAfterForward = (grads: typeof variableGrads, forward: typeof applyForTraining): number => {
    let live = 0;
    seedEverything(9);
    const r = grads(() => {
      const loss = tf.losses.softmaxCrossEntropy(data.y, forward(model, [data.x])[0]) as tf.Scalar;
      live = tf.memory().numBytes;
      return loss;
    }, vars);
    tf.dispose([r.value, ...Object.values(r.grads)]);
    return live;
  };
  try {
    const theirs = liveAfterForward(tfjsGrads, tfjsApply);
    const ours = liveAfterForward(variableGrads, applyForTraining);
    assert.ok(ours < 0.9 * theirs, `bytes of live tensors after the forward pass: ours ${ours}, tfjs ${theirs}`);
  } finally {
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
});

test('a loss that is not a scalar, or not connected to the variables, is an error, and frees what it saved', () => {
  const v = tf.variable(tf.ones([3]), true, 'backward-test-v');
  const w = tf.variable(tf.ones([3]), true, 'backward-test-w');
  try {
    const before = tf.memory().numTensors;
    assert.throws(() => variableGrads(() => tf.mul(v, 2) as unknown as tf.Scalar, [v]), /must be a scalar/);
    assert.throws(() => variableGrads(() => tf.sum(tf.mul(w, 2)), [v]), /no variable given is connected/);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    v.dispose();
    w.dispose();
  }
});
