import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { initEngine } from '../src/engine/backend.js';
import { makeRng, seedEverything } from '../src/engine/seed.js';
import { createModel } from '../src/models/index.js';
import { RunFolder } from '../src/runfolder/index.js';
import { crossEntropy } from '../src/train/loss.js';
import {
  balancedOrder,
  classWeights,
  learningRateAt,
  positiveWeights,
  TUTORIAL_RECIPE,
  type TrainingRecipe,
} from '../src/train/recipe.js';
import { trainModel } from '../src/train/trainer.js';
import { assertUserError, head, medcnn, pneumonia, smallPneumoniaRoot, tempDir } from './helpers.js';

before(async () => {
  await initEngine({ backend: 'wasm' });
});

const close = (a: number, b: number, eps = 1e-6): void => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('learning-rate schedules: warm-up is linear, cosine runs to 0, step divides by 10 at 50% and 75%', () => {
  const at = (schedule: TrainingRecipe['schedule'], warmup: number, step: number): number =>
    learningRateAt({ schedule, warmup }, 1, step, 10, 8);
  assert.equal(at('constant', 0, 57), 1);
  assert.deepEqual(
    [0, 4, 9, 10].map((s) => at('constant', 1, s)),
    [0.1, 0.5, 1, 1],
  );
  close(at('cosine', 0, 0), 1);
  close(at('cosine', 0, 40), 0.5);
  close(at('cosine', 0, 79), 0.5 * (1 + Math.cos((Math.PI * 79) / 80)));
  assert.deepEqual(
    [39, 40, 59, 60].map((s) => at('step', 0, s)),
    [1, 0.1, 0.1, 0.01],
  );
});

test('balanced class weights are n / (k · n_class); multi-label positives weigh n_neg / n_pos', () => {
  assert.deepEqual(classWeights([0, 0, 0, 1], 2, 'balanced'), [4 / 6, 2]);
  assert.deepEqual(classWeights([0, 0, 0, 1], 2, 'none'), [1, 1]);
  assert.deepEqual(classWeights([0, 0], 3, 'balanced'), [2 / 6, 0, 0]);
  // Two labels over four images: label 0 present once, label 1 twice.
  assert.deepEqual(positiveWeights([1, 0, 0, 1, 0, 1, 0, 0], 2), [3, 1]);
});

test('the balanced sampler draws each class about equally often, seeded', () => {
  const labels = new Uint8Array(1000).map((_, i) => (i < 900 ? 0 : 1));
  const order = balancedOrder(labels, 2, makeRng(1));
  const ones = order.reduce((n, i) => n + labels[i], 0);
  assert.ok(Math.abs(ones / order.length - 0.5) < 0.05, `${ones} of ${order.length}`);
  assert.deepEqual(balancedOrder(labels, 2, makeRng(1)), order);
});

test('weighted cross-entropy averages as torch does: Σ w·loss / Σ w; label smoothing as torch', () => {
  const logits = tf.tensor2d([
    [2, 0],
    [0, 1],
    [1, 1],
  ]);
  const labels = tf.tensor1d([0, 1, 1], 'int32');
  const nll = (row: number[], k: number): number =>
    -Math.log(Math.exp(row[k]) / row.reduce((s, v) => s + Math.exp(v), 0));
  const per = [nll([2, 0], 0), nll([0, 1], 1), nll([1, 1], 1)];
  const w = [0.5, 2];
  const expected = (w[0] * per[0] + w[1] * per[1] + w[1] * per[2]) / (w[0] + 2 * w[1]);
  close(crossEntropy('binary-class', logits, labels, { classWeights: w }).dataSync()[0], expected, 1e-5);
  // Smoothing 0.2 over 2 classes: targets 0.9 / 0.1.
  const smooth = (row: number[], k: number): number => 0.9 * nll(row, k) + 0.1 * nll(row, 1 - k);
  const expectedSmooth = (smooth([2, 0], 0) + smooth([0, 1], 1) + smooth([1, 1], 1)) / 3;
  close(crossEntropy('binary-class', logits, labels, { labelSmoothing: 0.2 }).dataSync()[0], expectedSmooth, 1e-5);
  tf.dispose([logits, labels]);
});

async function run(recipe: Partial<TrainingRecipe>, epochs: number, lr = 1e-3) {
  const [train, val] = pneumonia();
  seedEverything(3);
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  const res = await trainModel({
    model,
    task: 'binary-class',
    train: head(train, 192),
    val: head(val, 96),
    epochs,
    batchSize: 64,
    learningRate: lr,
    seed: 3,
    normalization: MINUS_ONE_TO_ONE,
    recipe: { ...TUTORIAL_RECIPE, ...recipe },
  });
  model.dispose();
  return res;
}

test('optimizers differ and are reproducible; early stopping ends at patience after the best epoch', async () => {
  const adam = await run({}, 2);
  const adamAgain = await run({}, 2);
  assert.deepEqual(
    adam.history.map((h) => h.trainLoss),
    adamAgain.history.map((h) => h.trainLoss),
  );
  const sgd = await run({ optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-4, schedule: 'cosine' }, 2, 0.05);
  const adamw = await run({ optimizer: 'adamw', weightDecay: 0.05 }, 2);
  assert.notEqual(sgd.history[1].trainLoss, adam.history[1].trainLoss);
  assert.notEqual(adamw.history[1].trainLoss, adam.history[1].trainLoss);
  // Selecting on the last epoch keeps the last epoch.
  const last = await run({ select: 'last' }, 3);
  assert.equal(last.bestEpoch, 3);
  // A rate far too high makes validation loss wander: with patience 1 training stops one epoch after the best.
  const early = await run({ select: 'val-loss', patience: 1 }, 25, 0.05);
  assert.equal(early.earlyStopped, true);
  assert.ok(early.history.length < 25);
  assert.equal(early.history.length, early.bestEpoch + 1);
});

test('medcnn train records the recipe in config.json and refuses contradictory flags', () => {
  const root = smallPneumoniaRoot(256, 96, 96);
  const out = path.join(tempDir(), 'recipe');
  const r = medcnn([
    'train',
    '--root',
    root,
    '--out',
    out,
    '--epochs',
    '2',
    '--optimizer',
    'sgd',
    '--momentum',
    '0.8',
    '--schedule',
    'step',
    '--class-weight',
    'balanced',
    '--sampler',
    'balanced',
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.err);
  const { config } = RunFolder.open(out);
  assert.deepEqual(
    [
      config.recipe?.optimizer,
      config.recipe?.momentum,
      config.recipe?.schedule,
      config.recipe?.classWeight,
      config.recipe?.sampler,
    ],
    ['sgd', 0.8, 'step', 'balanced', 'balanced'],
  );
  assert.equal(config.optimizer, 'sgd(momentum=0.8)');
  assertUserError(medcnn(['train', '--root', root, '--momentum', '0.5']), /--momentum applies to --optimizer sgd only/);
  assertUserError(
    medcnn(['train', '--root', root, '--patience', '2', '--select', 'last']),
    /with --select last there is none/,
  );
  assertUserError(medcnn(['train', '--root', root, '--warmup', '5', '--epochs', '5']), /must be shorter than --epochs/);
  assertUserError(
    medcnn(['train', '--root', root, '--dataset', 'chestmnist', '--sampler', 'balanced']),
    /chestmnist is multi-label/,
  );
});
