import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { MedcnnError } from '../src/errors.js';
import { countMultiplyAdds, countParams, createModel, getModelEntry, listModels } from '../src/models/index.js';

const NEW_MODELS = ['lenet5', 'alexnet', 'vgg11', 'vgg16', 'vgg11_bn', 'vgg16_bn', 'resnet18', 'resnet50'];

before(async () => {
  await initEngine({ backend: process.env.MEDCNN_BACKEND ?? 'wasm' });
  seedEverything(7);
});

describe('parameter counts match the reference implementations', () => {
  // torchvision's definitions at 224×224×3 → 1000; LeNet-5 at 32×32×1 → 10.
  const reference: [string, number, number, number, number][] = [
    ['lenet5', 32, 1, 10, 61_706],
    ['alexnet', 224, 3, 1000, 61_100_840],
    ['vgg11', 224, 3, 1000, 132_863_336],
    ['vgg11_bn', 224, 3, 1000, 132_868_840],
    ['vgg16', 224, 3, 1000, 138_357_544],
    ['vgg16_bn', 224, 3, 1000, 138_365_992],
    ['resnet18', 224, 3, 1000, 11_689_512],
    ['resnet50', 224, 3, 1000, 25_557_032],
  ];
  for (const [name, side, channels, classes, params] of reference) {
    test(`${name} at ${side}×${side}×${channels} → ${classes}: ${params.toLocaleString('en-US')}`, () => {
      const model = createModel(name, { inputShape: [side, side, channels], numClasses: classes });
      try {
        assert.equal(countParams(model), params);
        if (name === 'resnet18')
          assert.ok(Math.abs(countMultiplyAdds(model) / 1.814e9 - 1) < 0.01, 'ResNet-18 ≈ 1.81 GMACs at 224');
        if (name === 'vgg16')
          assert.ok(Math.abs(countMultiplyAdds(model) / 15.47e9 - 1) < 0.01, 'VGG-16 ≈ 15.47 GMACs at 224');
      } finally {
        model.dispose();
      }
    });
  }
});

describe('every model builds and runs forward at MedMNIST sizes', () => {
  for (const name of NEW_MODELS) {
    for (const [side, channels, classes] of [
      [28, 1, 2],
      [64, 3, 5],
    ] as const) {
      test(`${name} at ${side}×${side}×${channels} → [N, ${classes}]`, () => {
        const model = createModel(name, { inputShape: [side, side, channels], numClasses: classes });
        try {
          const out = tf.tidy(
            () => model.predict(tf.randomUniform([side > 28 ? 1 : 2, side, side, channels], -1, 1)) as tf.Tensor,
          );
          assert.deepEqual(out.shape, [side > 28 ? 1 : 2, classes]);
          assert.ok(Array.from(out.dataSync()).every(Number.isFinite));
          out.dispose();
        } finally {
          model.dispose();
        }
      });
    }
  }
});

// AlexNet, VGG and ResNet take seconds per step on wasm; `medcnn train` runs of them are checked by hand.
describe('one training step at 28×28', () => {
  for (const name of ['simplecnn', 'lenet5']) {
    test(`${name} takes a step and its weights move`, () => {
      const model = createModel(name, { inputShape: [28, 28, 1], numClasses: 2 });
      const optimizer = tf.train.adam(1e-3);
      try {
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const first = vars[0].clone();
        const x = tf.randomUniform([4, 28, 28, 1], -1, 1);
        const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
          vars,
        )!;
        assert.ok(Number.isFinite(loss.dataSync()[0]));
        assert.ok(tf.any(tf.notEqual(first, vars[0])).dataSync()[0], 'the first layer’s weights changed');
        tf.dispose([first, x, y, loss]);
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    });
  }
});

describe('registry and inputs', () => {
  test('every new model is registered with its history', () => {
    const names = listModels().map((m) => m.name);
    for (const name of NEW_MODELS) {
      assert.ok(names.includes(name), name);
      const e = getModelEntry(name);
      assert.ok(e.year >= 1998 && e.year <= 2016 && e.paper.length > 20 && e.introduced.en && e.introduced.ja, name);
    }
  });

  test('ResNet uses the small stem at 28 and torchvision’s stem at 224', () => {
    const small = createModel('resnet18', { inputShape: [28, 28, 1], numClasses: 2 });
    assert.equal(small.getLayer('conv1').getWeights()[0].shape[0], 3);
    assert.throws(() => small.getLayer('maxpool'));
    assert.deepEqual(small.getLayer('layer4_1_add').outputShape, [null, 4, 4, 512]);
    small.dispose();
  });

  test('inputs outside 28–224, non-square or with 2 channels are refused with a MedcnnError', () => {
    for (const inputShape of [
      [20, 20, 1],
      [256, 256, 3],
      [28, 32, 1],
      [28, 28, 2],
    ] as [number, number, number][]) {
      for (const name of ['lenet5', 'vgg11', 'resnet18']) {
        assert.throws(() => createModel(name, { inputShape, numClasses: 2 }), MedcnnError, `${name} ${inputShape}`);
      }
    }
  });

  test('multiply-adds at 28×28×1 → 2 are positive and ordered as expected', () => {
    const macs = (name: string): number => {
      const m = createModel(name, { inputShape: [28, 28, 1], numClasses: 2 });
      const n = countMultiplyAdds(m);
      m.dispose();
      return n;
    };
    const lenet = macs('lenet5');
    // LeNet-5 on MNIST padded to 32: 117,600 + 240,000 + 48,000 + 10,080 + 168 (the paper's classic ≈ 0.4 M)
    assert.equal(lenet, 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 2);
    assert.ok(macs('resnet50') > macs('resnet18'));
  });
});
