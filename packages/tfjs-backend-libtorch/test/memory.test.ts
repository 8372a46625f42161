/**
 * The addon's allocator (native/allocator.cc): freed large blocks are reused (a larger one rather than fresh memory),
 * never handed out twice.
 */
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

  it('gives a request with no block of its size a cached one up to twice as large, not fresh memory', async () => {
    await tf.setBackend('libtorch');
    const mib = 1 << 18; // float32 values in 1 MiB
    const big = tf.fill([8 * mib], 1); // 8 MiB
    big.dispose();
    const afterFree = cached();
    // 5 MiB: nothing of 5–5.6 MiB is cached, so the 8 MiB block serves it (fresh memory would cost page faults).
    const small = tf.fill([5 * mib], 3);
    assert.equal(cached(), afterFree - 8 * 4 * mib, 'the 8 MiB block was taken');
    assert.equal(tf.sum(small).dataSync()[0], 15 * mib);
    small.dispose();
    assert.equal(cached(), afterFree, 'and came back whole');
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
