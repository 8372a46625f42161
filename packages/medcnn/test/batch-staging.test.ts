/**
 * One buffer stages every batch where the backend copies what a tensor is made from (libtorch), and only there:
 * the cpu backend keeps the very array, so a reused buffer would change batches already made.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor, MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { initEngine, writesAreCopied } from '../src/engine/backend.js';
import { pneumonia } from './helpers.js';

const [train] = pneumonia();

describe('on libtorch', async () => {
  let skip: string | false = false;
  try {
    await initEngine({ backend: 'libtorch', threads: 1 });
  } catch (e) {
    skip = `libtorch unavailable: ${(e as Error).message}`;
  }

  test('batches made through one staging buffer keep their own pixels', { skip }, () => {
    assert.equal(writesAreCopied(), true);
    const staging = new Float32Array(8 * 28 * 28);
    const first = imagesToTensor(train, [0, 1, 2, 3, 4, 5, 6, 7], MINUS_ONE_TO_ONE, staging);
    const second = imagesToTensor(train, [8, 9, 10], MINUS_ONE_TO_ONE, staging);
    const fresh = imagesToTensor(train, [0, 1, 2, 3, 4, 5, 6, 7], MINUS_ONE_TO_ONE);
    assert.deepEqual(first.shape, [8, 28, 28, 1]);
    assert.deepEqual(second.shape, [3, 28, 28, 1]);
    assert.deepEqual(Array.from(first.dataSync()), Array.from(fresh.dataSync()));
    assert.deepEqual(Array.from(second.dataSync()), Array.from(staging.subarray(0, 3 * 28 * 28)));
    tf.dispose([first, second, fresh]);
  });
});

test('on the cpu backend a tensor keeps the array it was made from, so batches are not staged there', async () => {
  await initEngine({ backend: 'cpu' });
  assert.equal(writesAreCopied(), false);
  const values = new Float32Array([1, 2, 3]);
  const t = tf.tensor1d(values);
  values[0] = 9;
  assert.equal(t.dataSync()[0], 9);
  t.dispose();
});
