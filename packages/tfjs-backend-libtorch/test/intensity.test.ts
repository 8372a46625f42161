/** LibtorchIntensity: a chain of photometric steps in one call, against the same steps composed from tfjs ops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import { skipReason } from '../testing/helpers.js';

const BRIGHTNESS = 0,
  CONTRAST = 1,
  GAMMA = 2,
  NOISE = 3;
const black = -1,
  white = 1;

/** The kernel on x with one row of per-image values per step. */
function fused(x: tf.Tensor4D, codes: number[], values: number[][], seeds = codes.map(() => 0)): tf.Tensor4D {
  return tf.engine().runKernel('LibtorchIntensity', { x, values: tf.tensor2d(values) }, {
    black,
    white,
    codes,
    seeds,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The same steps from tfjs ops (the arithmetic medcnn's transforms use on every backend). */
function composed(x: tf.Tensor4D, codes: number[], values: number[][], seeds: number[]): tf.Tensor4D {
  return tf.tidy(() =>
    codes.reduce((y, code, s) => {
      const v = tf.tensor4d(values[s], [values[s].length, 1, 1, 1]);
      const clip = (t: tf.Tensor): tf.Tensor4D => tf.clipByValue(t, black, white) as tf.Tensor4D;
      if (code === BRIGHTNESS) return clip(tf.add(y, v));
      if (code === CONTRAST) {
        const mean = tf.mean(y, [1, 2, 3], true);
        return clip(tf.add(tf.mul(tf.sub(y, mean), v), mean));
      }
      if (code === GAMMA) {
        const u = tf.clipByValue(tf.div(tf.sub(y, black), white - black), 0, 1);
        return tf.add(tf.mul(tf.exp(tf.mul(tf.log(u), v)), white - black), black) as tf.Tensor4D;
      }
      const z = tf.engine().runKernel('LibtorchRandomNormal', {}, {
        seed: seeds[s],
        shape: y.shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return clip(tf.add(y, tf.mul(z, v)));
    }, x),
  );
}

describe('intensity chain', { skip: skipReason }, () => {
  const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

  it('equals the composed steps, one step at a time and chained, on small and large batches', () => {
    tf.setBackend('libtorch');
    for (const [n, side, channels] of [
      [1, 5, 1],
      [7, 28, 1],
      [3, 64, 3],
      [4, 224, 3],
    ]) {
      const x = tf.clipByValue(tf.randomNormal([n, side, side, channels], 0, 0.6, 'float32', n), -1, 1) as tf.Tensor4D;
      const row = (lo: number, hi: number): number[] =>
        Array.from({ length: n }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / n);
      const chains: [number[], number[][]][] = [
        [[BRIGHTNESS], [row(-0.3, 0.3)]],
        [[CONTRAST], [row(0.5, 1.6)]],
        [[GAMMA], [row(0.6, 1.7)]],
        [[NOISE], [row(0, 0.2)]],
        [
          [BRIGHTNESS, CONTRAST, GAMMA, NOISE, BRIGHTNESS],
          [row(-0.1, 0.1), row(0.8, 1.2), row(0.8, 1.25), row(0, 0.05), row(0.2, 0.3)],
        ],
      ];
      for (const [codes, values] of chains) {
        const seeds = codes.map((_, s) => 1000 * n + s);
        const got = fused(x, codes, values, seeds);
        const want = composed(x, codes, values, seeds);
        assert.deepEqual(got.shape, x.shape);
        assert.ok(
          maxDiff(got, want) < 1e-5,
          `steps ${codes} on ${n}×${side}×${side}×${channels}: differs by ${maxDiff(got, want)}`,
        );
        tf.dispose([got, want]);
      }
      x.dispose();
    }
  });

  it('is seeded, keeps black and white under gamma, and refuses malformed calls', () => {
    tf.setBackend('libtorch');
    const x = tf.tensor4d([-1, 1, 0, 0.5, -0.25, 0.75], [2, 3, 1, 1]);
    const a = fused(x, [NOISE], [[0.1, 0.1]], [5]);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(fused(x, [NOISE], [[0.1, 0.1]], [5]).dataSync()));
    assert.notDeepEqual(Array.from(a.dataSync()), Array.from(fused(x, [NOISE], [[0.1, 0.1]], [6]).dataSync()));
    const g = fused(x, [GAMMA], [[0.5, 2]]).dataSync();
    assert.ok(Math.abs(g[0] + 1) < 1e-6 && Math.abs(g[1] - 1) < 1e-6, `black and white moved: ${g[0]}, ${g[1]}`);
    assert.throws(() => fused(x, [7], [[1, 1]]), /unknown step code 7/);
    assert.throws(() => fused(x, [BRIGHTNESS, GAMMA], [[1, 1]]), /values must be \[2, 2\]/);
    assert.throws(() => fused(x, [NOISE], [[1, 1]], [-3]), /seed must be a whole number/);
    assert.throws(
      () =>
        tf.engine().runKernel('LibtorchIntensity', { x, values: tf.tensor2d([[0, 0]]) }, {
          black: 1,
          white: 1,
          codes: [0],
          seeds: [0],
        } as unknown as tf.NamedAttrMap),
      /must be above black/,
    );
    tf.disposeVariables();
  });
});
