import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { resolvePositiveClass } from '../src/data/dataset-info.js';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel } from '../src/models/index.js';
import { evaluateSplit } from '../src/run/evaluate.js';
import { trainModel } from '../src/train/trainer.js';
import { head, pneumonia } from './helpers.js';

before(async () => {
  await initEngine({ backend: 'wasm' });
});

test('each binary data set names its condition; --positive-class overrides by name or index', () => {
  assert.equal(resolvePositiveClass(getDatasetInfo('pneumoniamnist')), 1);
  assert.equal(resolvePositiveClass(getDatasetInfo('breastmnist')), 0, 'BreastMNIST: malignant is label 0');
  assert.equal(resolvePositiveClass(getDatasetInfo('pneumoniamnist'), 'Normal'), 0);
  assert.equal(resolvePositiveClass(getDatasetInfo('pneumoniamnist'), '肺炎'), 1);
  assert.equal(resolvePositiveClass(getDatasetInfo('breastmnist'), '1'), 1);
  assert.equal(resolvePositiveClass(getDatasetInfo('pathmnist')), undefined);
  assert.throws(() => resolvePositiveClass(getDatasetInfo('pneumoniamnist'), 'covid'), /not a class of pneumoniamnist/);
  assert.throws(() => resolvePositiveClass(getDatasetInfo('pathmnist'), '0'), /applies to binary tasks/);
});

test('the clinical metrics are about the positive class: swapping it swaps sensitivity and specificity', async () => {
  const [train, val, test_] = pneumonia();
  seedEverything(5);
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await trainModel({
    model,
    task: 'binary-class',
    train: head(train, 256),
    val: head(val, 64),
    epochs: 1,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 5,
    normalization: MINUS_ONE_TO_ONE,
  });
  const info = getDatasetInfo('pneumoniamnist');
  const ctx = {
    dataset: 'pneumoniamnist',
    task: info.task,
    labels: info.labels,
    normalization: MINUS_ONE_TO_ONE,
    seed: 1,
    runName: 'r',
    lang: 'en' as const,
  };
  const data = head(test_, 200);
  const pneu = evaluateSplit(model, data, 'test', { ...ctx, positiveClass: 1 }).metrics;
  const norm = evaluateSplit(model, data, 'test', { ...ctx, positiveClass: 0 }).metrics;
  model.dispose();
  assert.equal(pneu.positiveClass?.name.en, 'pneumonia');
  assert.equal(norm.positiveClass?.name.en, 'normal');
  assert.equal(norm.clinical!.sensitivity, pneu.clinical!.specificity);
  assert.equal(norm.clinical!.specificity, pneu.clinical!.sensitivity);
  // MedMNIST's ACC and AUC do not depend on it.
  assert.equal(norm.acc, pneu.acc);
  assert.equal(norm.auc, pneu.auc);
});
