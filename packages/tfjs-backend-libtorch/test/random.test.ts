/** LibtorchRandomNormal: seeded standard normal numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { skipReason } from '../testing/helpers.js';

describe('random normal', { skip: skipReason }, () => {
  const draw = (seed: number, shape: number[]) =>
    tf.engine().runKernel('LibtorchRandomNormal', {}, { seed, shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
  it('is standard normal, the same for the same seed and different for another', () => {
    tf.setBackend('libtorch');
    const z = draw(3, [200, 500]);
    assert.deepEqual(z.shape, [200, 500]);
    const v = Array.from(z.dataSync() as Float32Array);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(mean) < 0.01 && Math.abs(sd - 1) < 0.01, `mean ${mean}, sd ${sd}`);
    const within1 = v.filter((x) => Math.abs(x) < 1).length / v.length;
    assert.ok(Math.abs(within1 - 0.6827) < 0.01, `${within1} within one σ`);
    assert.deepEqual(Array.from(draw(3, [50]).dataSync()), Array.from(draw(3, [50]).dataSync()));
    assert.notDeepEqual(Array.from(draw(4, [50]).dataSync()), Array.from(draw(3, [50]).dataSync()));
    assert.throws(() => draw(-1, [2]), /seed must be a whole number/);
    tf.disposeVariables();
  });
});
