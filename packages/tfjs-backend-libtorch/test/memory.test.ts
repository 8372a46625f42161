/**
 * The addon's allocator (native/allocator.cc): freed large blocks are reused, split for smaller requests and merged
 * again, never handed out twice.
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

  it('serves a smaller request from part of a freed block, and merges the parts when both are free', async () => {
    await tf.setBackend('libtorch');
    const mib = 1 << 18; // float32 values in 1 MiB
    const big = tf.fill([8 * mib], 1); // 8 MiB
    big.dispose();
    const afterFree = cached();
    // 5 MiB from the free 8 MiB (fresh memory would cost a page fault per 4 KiB): 3 MiB stay free.
    const small = tf.fill([5 * mib], 3);
    assert.equal(cached(), afterFree - 5 * 4 * mib, 'five of the eight freed MiB taken');
    // 3 MiB from the rest; then all 8 are in use, and a third request needs memory of its own.
    const rest = tf.fill([3 * mib], 4);
    assert.equal(cached(), afterFree - 8 * 4 * mib, 'the rest taken');
    assert.equal(tf.sum(small).dataSync()[0], 15 * mib);
    assert.equal(tf.sum(rest).dataSync()[0], 12 * mib);
    small.dispose();
    rest.dispose();
    assert.equal(cached(), afterFree, 'both back');
    // Merged again: one 8 MiB request fits without new memory.
    const again = tf.fill([8 * mib], 5);
    assert.equal(cached(), afterFree - 8 * 4 * mib, 'the 8 MiB block whole again');
    again.dispose();
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
    // Sizes around the cache's threshold (512 KiB) and up to 8 MB, allocated and freed in a shuffled order, so that
    // blocks are split and merged in every combination; each live tensor must keep the value it was made with.
    let s = 7;
    const rand = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const live: { t: tf.Tensor; value: number; n: number }[] = [];
    for (let i = 0; i < 1000; i++) {
      if (live.length > 0 && rand() < 0.45) {
        const [gone] = live.splice(Math.floor(rand() * live.length), 1);
        gone.t.dispose();
        continue;
      }
      const n = 100_000 + Math.floor(rand() * (rand() < 0.8 ? 700_000 : 1_900_000)); // 0.4–3.2 MB, some to 8 MB
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
