/** Reductions and layout kernels against the cpu backend. */
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { compareBackends, skipReason } from '../testing/helpers.js';

describe('reductions', { skip: skipReason }, () => {
  const axesList: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], [1, 2], [0, 1, 2]];
  it('sum, mean, max, min, prod with keepDims', async () => {
    for (const axis of axesList) {
      for (const keep of [false, true]) {
        for (const [name, op] of Object.entries({
          sum: tf.sum,
          mean: tf.mean,
          max: tf.max,
          min: tf.min,
          prod: tf.prod,
        })) {
          await compareBackends(`${name} ${axis} ${keep}`, (x) => op(x, axis, keep), [
            { shape: [2, 3, 4], range: [0.5, 1.5] },
          ]);
          await compareBackends(`${name} int ${axis} ${keep}`, (x) => op(x, axis, keep), [
            { shape: [2, 3, 4], dtype: 'int32' },
          ]);
        }
      }
    }
  });
  it('sum of bool, all, any', async () => {
    await compareBackends('sum bool', (x) => tf.sum(x, 1), [{ shape: [3, 4], dtype: 'bool' }]);
    for (const axis of [undefined, 0, [0, 1]]) {
      await compareBackends('all', (x) => tf.all(x, axis), [{ shape: [3, 4], dtype: 'bool' }]);
      await compareBackends('any', (x) => tf.any(x, axis), [{ shape: [3, 4], dtype: 'bool' }]);
    }
  });
  it('argMax, argMin', async () => {
    for (const axis of [0, 1, -1]) {
      await compareBackends('argMax', (x) => tf.argMax(x, axis), [{ shape: [3, 5] }]);
      await compareBackends('argMin', (x) => tf.argMin(x, axis), [{ shape: [3, 5], dtype: 'int32' }]);
    }
  });
  it('gradients of sum, mean, max', async () => {
    for (const op of [tf.sum, tf.mean, tf.max]) {
      await compareBackends(
        'grad reduce',
        (x) => tf.grad((y: tf.Tensor) => tf.sum(tf.square(op(y, [1, 2]))))(x),
        [{ shape: [2, 3, 4] }],
        1e-3,
      );
    }
  });
  it('scalar input', async () => {
    await compareBackends('sum scalar', (x) => tf.sum(x), [{ shape: [] }]);
  });
});

describe('layout ops', { skip: skipReason }, () => {
  it('reshape, transpose, slice', async () => {
    await compareBackends('reshape', (x) => tf.reshape(x, [4, -1]), [{ shape: [2, 3, 4] }]);
    await compareBackends('transpose', (x) => tf.transpose(x, [2, 0, 1]), [{ shape: [2, 3, 4] }]);
    await compareBackends('transpose int', (x) => tf.transpose(x), [{ shape: [2, 3], dtype: 'int32' }]);
    await compareBackends('slice', (x) => tf.slice(x, [1, 0, 2], [1, -1, 2]), [{ shape: [2, 3, 4] }]);
    await compareBackends('slice bool', (x) => tf.slice(x, [1], [2]), [{ shape: [4], dtype: 'bool' }]);
  });
  it('concat, stack, unstack, split', async () => {
    await compareBackends('concat', (a, b) => tf.concat([a, b], 1), [{ shape: [2, 3] }, { shape: [2, 5] }]);
    await compareBackends('concat int', (a, b) => tf.concat([a, b], 0), [
      { shape: [2, 3], dtype: 'int32' },
      { shape: [1, 3], dtype: 'int32' },
    ]);
    await compareBackends('stack', (a, b) => tf.stack([a, b], 1), [{ shape: [2, 3] }, { shape: [2, 3] }]);
    await compareBackends('unstack', (a) => tf.unstack(a, 1), [{ shape: [2, 3] }]);
    await compareBackends('split', (a) => tf.split(a, [1, 3], 1), [{ shape: [2, 4] }]);
    await compareBackends('split in 3, -1', (a) => tf.split(a, 3, -1), [{ shape: [2, 3, 6] }]);
    await compareBackends('split int, inferred size', (a) => tf.split(a, [2, -1], 0), [
      { shape: [5, 2], dtype: 'int32' },
    ]);
    // DenseNet's concatenations differentiate into splits.
    await compareBackends(
      'concat gradient',
      (a, b) =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], 3), tf.concat([x, y], 3))))([a, b]),
      [{ shape: [2, 3, 3, 4] }, { shape: [2, 3, 3, 2] }],
    );
  });
  it('tile, pad, reverse, gather, oneHot, fill', async () => {
    await compareBackends('tile', (x) => tf.tile(x, [2, 1, 3]), [{ shape: [2, 3, 1] }]);
    await compareBackends(
      'pad',
      (x) =>
        tf.pad(
          x,
          [
            [1, 0],
            [2, 3],
          ],
          0.5,
        ),
      [{ shape: [2, 3] }],
    );
    await compareBackends('pad int', (x) => tf.pad(x, [[0, 1]], 7), [{ shape: [3], dtype: 'int32' }]);
    await compareBackends('reverse', (x) => tf.reverse(x, [0, 2]), [{ shape: [2, 3, 4] }]);
    await compareBackends('gather', (x, i) => tf.gather(x, i, 1), [
      { shape: [2, 4, 3] },
      { shape: [2, 2], dtype: 'int32', values: [3, 0, 1, 1] },
    ]);
    await compareBackends('oneHot', (i) => tf.oneHot(i, 4), [{ shape: [5], dtype: 'int32', values: [0, 3, 1, -1, 4] }]);
    await compareBackends('oneHot vals', (i) => tf.oneHot(i, 3, 2, -1), [
      { shape: [2, 2], dtype: 'int32', values: [0, 2, 1, 1] },
    ]);
    await compareBackends('fill', () => tf.fill([2, 3], 1.5), []);
    await compareBackends('zeros int', () => tf.zeros([2, 3], 'int32'), []);
  });
  it('tile gradient (one reshape and sum on libtorch): reps on every axis, a scale tiled over batch × tokens', async () => {
    // Weighted, so that a wrong fold of the repetitions changes the result.
    const gradOfTile = (reps: number[]) => (x: tf.Tensor, w: tf.Tensor) =>
      tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.tile(y, reps), w)))(x);
    await compareBackends('grad tile [2,3,1]×[2,1,3]', gradOfTile([2, 1, 3]), [
      { shape: [2, 3, 1] },
      { shape: [4, 3, 3] },
    ]);
    await compareBackends('grad tile [1,1,4]×[5,7,1]', gradOfTile([5, 7, 1]), [
      { shape: [1, 1, 4] },
      { shape: [5, 7, 4] },
    ]);
    await compareBackends('grad tile [3]×[1]', gradOfTile([1]), [{ shape: [3] }, { shape: [3] }]);
  });
  it('gradients of layout ops', async () => {
    await compareBackends(
      'grad slice/concat/pad/gather/tile',
      (x) =>
        tf.grad((y: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.concat(
                [
                  tf.slice(y, [0, 1], [2, 2]),
                  tf.pad(y, [
                    [0, 0],
                    [1, 1],
                  ]),
                  tf.gather(y, tf.tensor1d([2, 0, 2], 'int32'), 1),
                  tf.tile(y, [1, 2]),
                  tf.reverse(y, 1),
                  tf.transpose(tf.reshape(y, [3, 2])),
                ].map((t) => tf.reshape(t, [-1])),
                0,
              ),
            ),
          ),
        )(x),
      [{ shape: [2, 3] }],
      1e-3,
      { allowFallback: ['SplitV', 'UnsortedSegmentSum'] }, // the gradients of concat and gather: not native
    );
  });
});
