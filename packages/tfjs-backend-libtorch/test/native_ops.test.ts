/** The native ops and their named attributes: the TS table agrees with the addon, and a mismatch is a clear error. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from '../src/backend.js';
import { loadAddon } from '../src/native.js';
import { NATIVE_OPS, nativeOpMismatches } from '../src/native_ops.js';
import { skipReason } from '../testing/helpers.js';

const names = Object.keys(NATIVE_OPS);
const attributes = Object.values(NATIVE_OPS).map((a) => [...a]);

describe('nativeOpMismatches', () => {
  it('is empty for an addon with every op as declared', () => {
    assert.deepEqual(nativeOpMismatches(names, attributes), []);
  });
  it('names the missing ops', () => {
    const keep = names.map((n) => n !== 'conv2d' && n !== 'abs');
    const problems = nativeOpMismatches(
      names.filter((_, k) => keep[k]),
      attributes.filter((_, k) => keep[k]),
    );
    assert.deepEqual(problems, ['missing native op(s): abs, conv2d']);
  });
  it('names an op whose attributes differ, with both lists', () => {
    const changed = attributes.map((a, k) => (names[k] === 'pad' ? ['paddings[]', 'value'] : a));
    assert.deepEqual(nativeOpMismatches(names, changed), [
      "op 'pad' takes attributes (paddings[], value) in the addon, (value, paddings[]) here",
    ]);
  });
});

describe('the addon', { skip: skipReason }, () => {
  const addon = () => {
    const loaded = loadAddon();
    if (!('addon' in loaded)) throw new Error(loaded.reason);
    return loaded.addon;
  };
  it('has exactly the ops of NATIVE_OPS, with the same attributes', () => {
    const a = addon();
    assert.deepEqual(nativeOpMismatches(a.opNames(), a.opAttributes()), []);
    assert.deepEqual([...a.opNames()].sort(), [...names].sort());
  });
  it('refuses attribute values that do not fit an op, naming its attributes', () => {
    const a = addon();
    const id = a.write(new Float32Array(6), [2, 3], 0);
    try {
      const reshape = a.opNames().indexOf('reshape');
      assert.throws(() => a.run(reshape, [id], [2, 3], -1), /attribute values do not fit the attributes \(shape\[\]\)/);
      assert.throws(() => a.run(reshape, [id], [], -1), /reshape/);
      const out = a.run(reshape, [id], [2, 3, 2], -1); // [id, dtype, rank 2, 3, 2]
      assert.deepEqual(out.slice(2), [2, 3, 2]);
      a.dispose(out[0]);
    } finally {
      a.dispose(id);
    }
  });
  it('backend.run names a missing or unknown attribute', async () => {
    await tf.setBackend('libtorch');
    const b = tf.backend() as LibtorchBackend;
    const x = tf.zeros([2, 3]);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    assert.throws(() => b.run1('reshape', [info], {} as never), /attribute 'shape' must be a list of numbers/);
    assert.throws(
      () => b.run1('reshape', [info], { shape: [3, 2], axis: 0 } as never),
      /native op 'reshape' has no attribute\(s\) axis/,
    );
    x.dispose();
  });
});
