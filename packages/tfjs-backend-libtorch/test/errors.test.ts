/** Bad input becomes a JS Error naming the kernel and shapes; fallbacks are counted and traced; API basics. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

import {
  fallbackCounts,
  getNumThreads,
  libtorchVersion,
  registerLibtorchBackend,
  resetFallbackCounts,
  setNumThreads,
} from '../src/index.js';
import { skipReason } from '../testing/helpers.js';

describe('public API', () => {
  it('never throws, whether or not the addon is available', () => {
    const r = registerLibtorchBackend();
    assert.ok(r.ok || (typeof r.reason === 'string' && r.reason.length > 0));
    const v = libtorchVersion();
    assert.ok(v === null || /^\d+\.\d+/.test(v));
    assert.ok(getNumThreads() >= 1);
  });
  it('setNumThreads changes ATen intra-op threads', { skip: skipReason }, () => {
    const before = getNumThreads();
    setNumThreads(1);
    assert.equal(getNumThreads(), 1);
    setNumThreads(before);
    assert.equal(getNumThreads(), before);
  });
});

describe('bad input', { skip: skipReason }, () => {
  it('is a JS Error naming the kernel and the input shapes', async () => {
    await tf.setBackend('libtorch');
    const x = tf.zeros([1, 5, 5, 3]);
    const w = tf.zeros([3, 3, 4, 2]); // 4 input channels for a 3-channel image
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel('Conv2D', { x, filter: w }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 }),
      (e: Error) => /Conv2D/.test(e.message) && /\[1,5,5,3\]/.test(e.message) && /\[3,3,4,2\]/.test(e.message),
    );
    const a = tf.zeros([2, 3]),
      b = tf.zeros([4, 5]);
    assert.throws(
      () => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }),
      (e: Error) => /BatchMatMul/.test(e.message) && /\[2,3\]/.test(e.message),
    );
    const threads = getNumThreads();
    assert.throws(() => tf.engine().runKernel('Add', { a, b }, {}), /Add/);
    // A failing op leaves the thread count as it was.
    assert.equal(getNumThreads(), threads);
    // still alive and computing
    assert.deepEqual(Array.from(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()), [3]);
    assert.equal(getNumThreads(), threads);
    tf.dispose([x, w, a, b]);
  });
});

describe('fallback to the cpu backend', { skip: skipReason }, () => {
  it('runs a kernel that is not native, counts it and traces it once', async () => {
    await tf.setBackend('libtorch');
    resetFallbackCounts();
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.env.MEDCNN_TRACE_FALLBACK = '1';
    process.stderr.write = ((s: string) => {
      lines.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      const x = tf.tensor1d([3, 1, 2]);
      assert.deepEqual(Array.from(tf.cumsum(x).dataSync()), [3, 4, 6]);
      assert.deepEqual(Array.from(tf.cumsum(x).dataSync()), [3, 4, 6]);
      x.dispose();
    } finally {
      process.stderr.write = write;
      delete process.env.MEDCNN_TRACE_FALLBACK;
    }
    assert.equal(fallbackCounts().Cumsum, 2);
    assert.equal(lines.filter((l) => l.includes('Cumsum')).length, 1);
  });
});
