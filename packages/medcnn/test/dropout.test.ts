/**
 * medcnn's Dropout: on libtorch, in training, its mask is the backend's native one (drawn from the generator
 * seedEverything seeds), noise shape included; elsewhere it is tfjs' Dropout, number for number; saved models
 * keep tfjs' class name and load into it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { rankSeed, seedEverything } from '../src/engine/seed.js';
import { Dropout, dropout } from '../src/models/dropout.js';

/** Starts the libtorch backend: false, or the reason to skip where it is unavailable. */
async function libtorch(): Promise<string | false> {
  try {
    await initEngine({ backend: 'libtorch', threads: 1 });
    return false;
  } catch (e) {
    return `libtorch unavailable: ${(e as Error).message}`;
  }
}

const images = () => tf.add(tf.ones([32, 3, 3, 2]), tf.reshape(tf.range(0, 32 * 18), [32, 3, 3, 2]));

describe('on libtorch', async () => {
  const skip = await libtorch();

  test('training draws the native mask, whole images with the noise shape [batch, 1, 1, 1]; inference is the identity', {
    skip,
  }, async () => {
    const layer = dropout({ rate: 0.5, noiseShape: [null, 1, 1, 1] as unknown as number[] });
    const x = images();
    const run = await tf.profile(() => layer.apply(x, { training: true }) as tf.Tensor);
    assert.ok(run.kernelNames.includes('LibtorchDropoutMask'), `kernels: ${run.kernelNames.join(', ')}`);
    const y = run.result as tf.Tensor;
    const [xs, ys] = [x.dataSync(), y.dataSync()];
    let dropped = 0;
    for (let i = 0; i < 32; i++) {
      const ratios = new Set(Array.from({ length: 18 }, (_, k) => ys[i * 18 + k] / xs[i * 18 + k]));
      assert.equal(ratios.size, 1, `image ${i}: ${[...ratios]}`);
      assert.ok(ratios.has(0) || ratios.has(2), `image ${i}: ${[...ratios]}`);
      if (ratios.has(0)) dropped++;
    }
    assert.ok(dropped > 4 && dropped < 28, `${dropped} of 32 images dropped`);
    assert.deepEqual(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync()), Array.from(xs));
    tf.dispose([x, y]);
  });

  test('seedEverything seeds the native mask: the same seed, the same mask; another, another', { skip }, () => {
    const layer = dropout({ rate: 0.3 });
    const x = tf.ones([64, 10]);
    const draw = (seed: number) => {
      seedEverything(seed);
      return Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    };
    assert.deepEqual(draw(4), draw(4));
    assert.notDeepEqual(draw(4), draw(5));
    tf.dispose(x);
  });

  test("the ranks of a data-parallel job draw masks of their own, each rank's the same run after run", { skip }, () => {
    const layer = dropout({ rate: 0.5 });
    const x = tf.ones([64, 10]);
    const draw = (rank: number) => {
      seedEverything(rankSeed(42, rank));
      return Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    };
    const [rank0, rank1, rank2] = [draw(0), draw(1), draw(2)];
    assert.equal(rankSeed(42, 0), 42, "rank 0 keeps the run's seed");
    assert.notDeepEqual(rank0, rank1);
    assert.notDeepEqual(rank1, rank2);
    assert.deepEqual(draw(1), rank1);
    tf.dispose(x);
  });
});

test("on the cpu backend it is tfjs' Dropout: the same numbers from the same Math.random seed", async () => {
  await initEngine({ backend: 'cpu' });
  const x = images();
  const apply = (layer: tfl.layers.Layer) => {
    seedEverything(9);
    return Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
  };
  const noiseShape = [null, 1, 1, 1] as unknown as number[];
  const ours = apply(dropout({ rate: 0.5, noiseShape }));
  assert.deepEqual(ours, apply(tfl.layers.dropout({ rate: 0.5, noiseShape })));
  assert.ok(ours.some((v) => v === 0));
  tf.dispose(x);
});

test("a saved model keeps tfjs' class name, and a saved Dropout (tfjs' own too) loads as medcnn's", async () => {
  await initEngine({ backend: 'cpu' });
  const input = tfl.input({ shape: [4] });
  const build = (drop: tfl.layers.Layer) =>
    tfl.model({ inputs: input, outputs: drop.apply(input) as tfl.SymbolicTensor });
  const ours = build(dropout({ rate: 0.2, name: 'ours' }));
  const theirs = build(tfl.layers.dropout({ rate: 0.2, name: 'theirs' }));
  for (const model of [ours, theirs]) {
    const json = model.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    assert.equal(json.config.layers[1].class_name, 'Dropout');
    const loaded = await tfl.models.modelFromJSON({ modelTopology: json });
    assert.ok(loaded.layers[1] instanceof Dropout, loaded.layers[1].constructor.name);
    assert.equal(loaded.layers[1].getConfig().rate, 0.2);
  }
});
