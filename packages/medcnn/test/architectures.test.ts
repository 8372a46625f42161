import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { gradCam } from '../src/explain/gradcam.js';
import { countParams, createModel, getModelEntry, loadModel, saveModel } from '../src/models/index.js';
import { medcnn, tempDir } from './helpers.js';

// The architectures after ResNet: the mobile networks, DenseNet and the Vision Transformer.
const FRONTIER = ['mobilenet_v2', 'efficientnet_b0', 'densenet121', 'vit_b_16', 'vit_tiny'];
// Cheap enough to run forward and train a step at 28×28 in a test (ViT-B/16 has 86 M weights: counted only).
const TRAINED = ['mobilenet_v2', 'efficientnet_b0', 'densenet121', 'vit_tiny'];

/** The native backend's fallback counter, when the tests run on it (null on wasm). */
let fallbacks: { fallbackCounts(): Record<string, number>; resetFallbackCounts(): void } | null = null;

before(async () => {
  const info = await initEngine({ backend: process.env.MEDCNN_BACKEND ?? 'auto', threads: 1 });
  if (info.backend === 'libtorch') fallbacks = await import('tfjs-backend-libtorch' as string);
  seedEverything(7);
});

const build = (name: string, side: number, channels: number, classes: number): tfl.LayersModel =>
  createModel(name, { inputShape: [side, side, channels], numClasses: classes });

describe('torchvision’s parameter counts at 224×224×3 → 1000', () => {
  const reference: [string, number][] = [
    ['mobilenet_v2', 3_504_872],
    ['efficientnet_b0', 5_288_548],
    ['densenet121', 7_978_856],
    ['vit_b_16', 86_567_656],
  ];
  for (const [name, params] of reference) {
    test(`${name}: ${params.toLocaleString('en-US')}`, () => {
      const model = build(name, 224, 3, 1000);
      try {
        assert.equal(countParams(model), params);
      } finally {
        model.dispose();
      }
    });
  }

  test('vit_tiny at 28×28×1 → 2: width 192, 6 blocks, 3 heads, 7×7 patches of 4 px', () => {
    const model = build('vit_tiny', 28, 1, 2);
    try {
      const d = 192;
      const block = 2 * 2 * d + (4 * d * d + 4 * d) + (d * 4 * d + 4 * d + 4 * d * d + d);
      const expected = 16 * d + d + d + 50 * d + 6 * block + 2 * d + (d * 2 + 2);
      assert.equal(countParams(model), expected);
      assert.deepEqual(model.getLayer('conv_proj').getWeights()[0].shape, [4, 4, 1, 192]);
    } finally {
      model.dispose();
    }
  });
});

describe('small inputs', () => {
  test('the mobile networks keep a stride-1 stem under 64 px; DenseNet takes ResNet’s small stem', () => {
    const finalMap = (name: string, side: number, layer: string): (number | null)[] => {
      const model = build(name, side, 1, 2);
      const shape = model.getLayer(layer).outputShape as (number | null)[];
      model.dispose();
      return shape;
    };
    assert.deepEqual(finalMap('mobilenet_v2', 28, 'features_18_relu6'), [null, 2, 2, 1280]);
    assert.deepEqual(finalMap('mobilenet_v2', 64, 'features_18_relu6'), [null, 2, 2, 1280]);
    assert.deepEqual(finalMap('efficientnet_b0', 28, 'features_8_silu'), [null, 2, 2, 1280]);
    assert.deepEqual(finalMap('densenet121', 28, 'relu5'), [null, 3, 3, 1024]);
    assert.deepEqual(finalMap('densenet121', 64, 'relu5'), [null, 2, 2, 1024]);
    // ViT-B/16 cuts a 28 px image into 4-pixel patches (7×7 tokens), and 64 px into 16-pixel ones.
    const vit = build('vit_b_16', 28, 1, 2);
    assert.deepEqual(vit.getLayer('embedding').outputShape, [null, 50, 768]);
    vit.dispose();
  });

  test('every new architecture is registered with its history', () => {
    for (const name of FRONTIER) {
      const e = getModelEntry(name);
      assert.ok(e.year >= 2017 && e.paper.length > 20 && e.introduced.en && e.introduced.ja, name);
    }
  });
});

describe('forward, a training step and Grad-CAM at 28×28', () => {
  for (const name of TRAINED) {
    test(`${name}: logits, a step that moves the weights, Grad-CAM`, () => {
      const model = build(name, 28, 1, 2);
      const optimizer = tf.train.adam(1e-3);
      try {
        const x = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 3);
        const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const first = vars[0].clone();
        // The classifier's kernel (its bias gets no gradient from zero logits on balanced labels).
        const last = vars[vars.length - 2].clone();
        fallbacks?.resetFallbackCounts();
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
          vars,
        )!;
        const out = model.predict(x) as tf.Tensor;
        assert.deepEqual(out.shape, [4, 2]);
        assert.ok(Number.isFinite(loss.dataSync()[0]));
        assert.ok(tf.any(tf.notEqual(last, vars[vars.length - 2])).dataSync()[0], 'the classifier’s weights changed');
        // A ViT's head starts at zero (as torchvision's), so its first step moves the head only.
        if (name !== 'vit_tiny')
          assert.ok(tf.any(tf.notEqual(first, vars[0])).dataSync()[0], 'the first layer’s weights changed');
        // On the native backend every kernel of the step, forward and backward, ran natively.
        if (fallbacks) assert.deepEqual(fallbacks.fallbackCounts(), {}, 'kernels that fell back to cpu');
        const cam = gradCam(model, tf.slice(x, 0, 2) as tf.Tensor4D, 'binary-class');
        const expectedLayer = {
          mobilenet_v2: 'features_18_relu6',
          efficientnet_b0: 'features_8_silu',
          densenet121: 'relu5',
          vit_tiny: 'encoder_layer_5_ln_1',
        }[name];
        assert.equal(cam.layer, expectedLayer);
        assert.equal(cam.maps.length, 2);
        assert.equal(cam.maps[0].length, cam.height * cam.width);
        if (name === 'vit_tiny') assert.deepEqual([cam.height, cam.width], [7, 7]);
        assert.ok(cam.maps.every((m) => m.every((v) => Number.isFinite(v) && v >= 0)));
        tf.dispose([x, y, first, last, loss, out]);
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    });
  }
});

test('a saved EfficientNet-B0 and ViT-Tiny load again and predict the same', async () => {
  for (const name of ['efficientnet_b0', 'vit_tiny']) {
    const model = build(name, 32, 3, 3);
    const dir = path.join(tempDir(), name);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 5);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5, name);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  }
});

test('medcnn models --input 224x224x3 --classes 1000 prints torchvision’s counts', () => {
  const r = medcnn(['models', '--input', '224x224x3', '--classes', '1000']);
  assert.equal(r.code, 0, r.err);
  for (const [name, count] of [
    ['resnet18', '11,689,512'],
    ['mobilenet_v2', '3,504,872'],
    ['efficientnet_b0', '5,288,548'],
    ['densenet121', '7,978,856'],
    ['vit_b_16', '86,567,656'],
  ])
    assert.match(r.out, new RegExp(`^${name} .* ${count} params`, 'm'), name);
  const bad = medcnn(['models', '--input', '224x224']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--input must be HEIGHTxWIDTHxCHANNELS/);
});
