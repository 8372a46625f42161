/** LibtorchRandomNormal: seeded standard normal numbers. LibtorchDropoutMask: dropout masks from the backend's generator. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from '../src/index.js';
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

describe('dropout mask', { skip: skipReason }, () => {
  const mask = (keep: number, shape: number[]) =>
    tf.engine().runKernel('LibtorchDropoutMask', {}, { keep, shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const seed = (s: number) => (tf.backend() as LibtorchBackend).setRandomSeed(s);

  it('is 0 with probability 1 − keep, else 1/keep', () => {
    tf.setBackend('libtorch');
    const m = mask(0.7, [200, 500]);
    assert.deepEqual(m.shape, [200, 500]);
    const v = m.dataSync() as Float32Array;
    const scale = Math.fround(1 / Math.fround(0.7));
    const kept = v.filter((x) => x !== 0);
    assert.ok(
      kept.every((x) => Math.abs(x - scale) < 1e-6),
      `kept values ${[...new Set(kept)].slice(0, 3)}`,
    );
    // 100,000 draws: the kept fraction's standard deviation is 0.0014.
    assert.ok(Math.abs(kept.length / v.length - 0.7) < 0.01, `${kept.length / v.length} kept`);
    assert.deepEqual([...new Set(mask(1, [50]).dataSync())], [1]);
    assert.throws(() => mask(0, [2]), /keep must be in \(0, 1\]/);
    assert.throws(() => mask(1.5, [2]), /keep must be in \(0, 1\]/);
    tf.dispose(m);
  });

  it('a noise shape [batch, 1, 1, 1] keeps or drops whole images', () => {
    const y = tf.tidy(() => tf.mul(tf.ones([64, 3, 3, 2]), mask(0.5, [64, 1, 1, 1])));
    const v = y.dataSync();
    for (let i = 0; i < 64; i++) {
      const image = new Set(v.subarray(i * 18, (i + 1) * 18));
      assert.equal(image.size, 1, `image ${i} has values ${[...image]}`);
      assert.ok(image.has(0) || image.has(2));
    }
    const dropped = Array.from({ length: 64 }, (_, i) => v[i * 18]).filter((x) => x === 0).length;
    assert.ok(dropped > 10 && dropped < 54, `${dropped} of 64 images dropped`);
    tf.dispose(y);
  });

  it('draws the same numbers after the same seed, and fresh ones at each call', () => {
    seed(17);
    const a = Array.from(mask(0.5, [400]).dataSync());
    const b = Array.from(mask(0.5, [400]).dataSync());
    seed(17);
    assert.deepEqual(Array.from(mask(0.5, [400]).dataSync()), a);
    assert.deepEqual(Array.from(mask(0.5, [400]).dataSync()), b);
    assert.notDeepEqual(a, b);
    seed(18);
    assert.notDeepEqual(Array.from(mask(0.5, [400]).dataSync()), a);
    assert.throws(() => seed(-1), /seed must be a whole number/);
    assert.throws(() => seed(0.5), /seed must be a whole number/);
    tf.disposeVariables();
  });
});
