import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel, loadModel, saveModel } from '../src/models/index.js';
import { predictSplit } from '../src/train/predict.js';
import { trainModel } from '../src/train/trainer.js';
import { head, pneumonia, tempDir } from './helpers.js';

before(async () => {
  await initEngine({ backend: 'wasm' });
});

const opts = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 2 };

test("SimpleCNN is the tutorial's network: 97,634 parameters in conv-BN-ReLU-pool ×3, dense 128, dense 2", () => {
  const m = createModel('simplecnn', opts);
  const params = m.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  assert.equal(params, 97_634); // same as the PyTorch SimpleCNN
  assert.deepEqual(
    m.layers.map((l) => l.getClassName()),
    [
      'Conv2D',
      'BatchNormalization',
      'ReLU',
      'MaxPooling2D',
      'Conv2D',
      'BatchNormalization',
      'ReLU',
      'MaxPooling2D',
      'Conv2D',
      'BatchNormalization',
      'ReLU',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
    ],
  );
  assert.deepEqual(m.outputs[0].shape, [null, 2]);
  m.dispose();
});

async function shortRun(seed: number, epochs = 2) {
  const [train, val] = pneumonia();
  seedEverything(seed);
  const model = createModel('simplecnn', opts);
  const res = await trainModel({
    model,
    task: 'binary-class',
    train: head(train, 256),
    val: head(val, 100),
    epochs,
    batchSize: 64,
    learningRate: 1e-3,
    seed,
    normalization: MINUS_ONE_TO_ONE,
  });
  return { model, res };
}

test('the same seed gives the same loss curve; another seed does not', async () => {
  const a = await shortRun(5, 1);
  const b = await shortRun(5, 1);
  const c = await shortRun(6, 1);
  assert.deepEqual(
    a.res.history.map((h) => h.trainLoss),
    b.res.history.map((h) => h.trainLoss),
  );
  assert.deepEqual(
    a.res.history.map((h) => h.valAuc),
    b.res.history.map((h) => h.valAuc),
  );
  assert.notDeepEqual(
    a.res.history.map((h) => h.trainLoss),
    c.res.history.map((h) => h.trainLoss),
  );
  for (const r of [a, b, c]) r.model.dispose();
});

test('training on real X-rays learns, updates BatchNorm statistics, and saves/loads losslessly', async () => {
  const [train, val] = pneumonia();
  seedEverything(1);
  const model = createModel('simplecnn', opts);
  const bn = model.getLayer('bn1');
  const movingMeanBefore = (bn.getWeights()[2].dataSync() as Float32Array).slice();
  const numTensors = tf.memory().numTensors;
  const res = await trainModel({
    model,
    task: 'binary-class',
    train: head(train, 960),
    val: head(val, 200),
    epochs: 2,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 1,
    normalization: MINUS_ONE_TO_ONE,
  });
  assert.equal(tf.memory().numTensors, numTensors, 'no tensors leak from training');
  assert.ok(res.history[1].trainLoss < res.history[0].trainLoss, 'loss falls');
  assert.ok(res.history[1].valAuc > 0.9, `val AUC ${res.history[1].valAuc} should exceed 0.9 after 2 epochs`);
  const movingMeanAfter = bn.getWeights()[2].dataSync() as Float32Array;
  assert.notDeepEqual([...movingMeanAfter], [...movingMeanBefore], 'BatchNorm moving mean is updated');

  const dir = path.join(tempDir(), 'model');
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  const v = head(val, 64);
  const p1 = predictSplit(model, v, 'binary-class', MINUS_ONE_TO_ONE).predictions.yScore;
  const p2 = predictSplit(loaded, v, 'binary-class', MINUS_ONE_TO_ONE).predictions.yScore;
  assert.deepEqual([...p1], [...p2]);
  model.dispose();
  loaded.dispose();
});
