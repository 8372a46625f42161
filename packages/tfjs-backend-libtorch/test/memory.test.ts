/** The addon's allocator (native/allocator.cc): freed large blocks are reused, never handed out twice. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

import { cpuOnlySkip } from '../testing/helpers.js';

const cached = (): number => (tf.memory() as { numBytesCachedInLibtorch?: number }).numBytesCachedInLibtorch ?? NaN;

describe('allocator', { skip: cpuOnlySkip }, () => {
  it('keeps a freed large block and gives it to the next request of its size', async () => {
    await tf.setBackend('libtorch');
    const n = 1 << 20; // 4 MiB of float32
    const a = tf.add(tf.fill([n], 1), 0);
    const before = cached();
    a.dispose();
    assert.ok(cached() >= before + 4 * n, `4 MiB more cached after dispose (${before} -> ${cached()})`);
    const afterFree = cached();
    const b = tf.add(tf.fill([n], 2), 0); // fill's block and add's block both come from the cache
    assert.ok(cached() <= afterFree - 4 * n, `the block was reused (${afterFree} -> ${cached()})`);
    assert.equal(tf.sum(b).dataSync()[0], 2 * n);
    b.dispose();
  });

  it('leaves small tensors to the default allocator', async () => {
    await tf.setBackend('libtorch');
    const x = tf.add(tf.ones([1000]), 1);
    const before = cached();
    x.dispose();
    assert.equal(cached(), before);
  });

  it('never gives one block to two live tensors, over many sizes', async () => {
    await tf.setBackend('libtorch');
    // Sizes around the cache's threshold (512 KiB) and its 1/8 size tolerance, allocated and freed in a
    // shuffled order; each live tensor must keep the value it was made with.
    let s = 7;
    const rand = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const live: { t: tf.Tensor; value: number; n: number }[] = [];
    for (let i = 0; i < 300; i++) {
      if (live.length > 0 && rand() < 0.45) {
        const [gone] = live.splice(Math.floor(rand() * live.length), 1);
        gone.t.dispose();
        continue;
      }
      const n = 100_000 + Math.floor(rand() * 700_000); // 0.4–3.2 MB
      live.push({ t: tf.add(tf.fill([n], i), 0), value: i, n });
    }
    for (const { t, value, n } of live) {
      const v = t.dataSync();
      assert.equal(v[0], value);
      assert.equal(v[n - 1], value);
      assert.equal(tf.min(t).dataSync()[0], value);
      assert.equal(tf.max(t).dataSync()[0], value);
    }
    tf.dispose(live.map((l) => l.t));
  });
});
