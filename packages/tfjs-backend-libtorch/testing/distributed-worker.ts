/**
 * One rank of the collective tests (test/distributed.test.ts): joins the group torchrun's variables name,
 * runs the scenario named by argv[2] and prints one JSON line of what it saw; the test compares it with
 * sums worked out by hand.
 */
import * as tf from '@tensorflow/tfjs-core';

import { groupAddressFromEnv, ProcessGroup, registerLibtorchBackend } from '../src/index.js';
import { loadAddon } from '../src/native.js';

const registered = registerLibtorchBackend({ threads: 1 });
if (!registered.ok) throw new Error(registered.reason);
await tf.setBackend('libtorch');

const scenario = process.argv[2];
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 20000);
const address = groupAddressFromEnv();
if (!address) throw new Error('WORLD_SIZE is not set');
const group = await ProcessGroup.join({ ...address, timeoutMs });
const { rank } = group;
const report = (o: object): void => console.log(JSON.stringify({ rank, ...o }));
const numTensors = (): number =>
  'addon' in loadAddon() ? (loadAddon() as { addon: { numTensors(): number } }).addon.numTensors() : NaN;

/** Each rank's values: element i of a tensor is (rank + 1) * (i + 1) (float32) or rank * 10 + i (int32). */
function values(shape: number[], dtype: 'float32' | 'int32'): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v =
    dtype === 'float32'
      ? Float32Array.from({ length: n }, (_, i) => (rank + 1) * (i + 1))
      : Int32Array.from({ length: n }, (_, i) => rank * 10 + i);
  // A computed tensor, as gradients are (not only the ones written from JS).
  return tf.add(tf.tensor(v, shape, dtype), tf.scalar(0, dtype));
}

const read = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

async function errorOf(p: Promise<void>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

if (scenario === 'sums') {
  const shapes: [number[], 'float32' | 'int32'][] = [
    [[3, 4], 'float32'],
    [[5], 'int32'],
    [[], 'float32'],
    [[2, 3, 2, 2], 'float32'],
    [[0], 'float32'],
    [[70000], 'float32'],
    [[2, 2], 'int32'],
  ];
  const make = (): tf.Tensor[] => shapes.map(([s, d]) => values(s, d));
  const sum = make();
  // 64 KiB buckets: the 70000-float tensor gets buckets of its own, the small ones share one.
  await group.allreduce(sum, 'sum', 64 << 10);
  const floats = make().filter((t) => t.dtype === 'float32');
  await group.allreduce(floats, 'avg');
  const max = make();
  await group.allreduce(max, 'max');
  // Broadcast from rank 1, with a bool tensor and a channels-last-like transposed one.
  const bc = [...make(), tf.tensor([rank === 1, false, true], [3], 'bool'), tf.transpose(values([2, 3], 'float32'))];
  await group.broadcast(bc, 1);
  await group.barrier();
  report({ sum: read(sum), avg: read(floats), max: read(max), broadcast: read(bc), shapes: shapes.map((s) => s[0]) });
} else if (scenario === 'leak') {
  // A ResNet-like set of gradients, reduced many times: the tensor count and the RSS must stay flat.
  const grads = [values([3, 3, 16, 16], 'float32'), values([16], 'float32'), values([100000], 'float32')];
  const counts = [values([7], 'int32')];
  for (let k = 0; k < 30; k++) await group.allreduce(grads, 'avg');
  const before = { tensors: numTensors(), rss: process.memoryUsage().rss };
  for (let k = 0; k < 400; k++) {
    await group.allreduce(grads, 'avg', 100 << 10);
    await group.allreduce(counts, 'max');
    if (k % 50 === 0) await group.broadcast([...grads, ...counts], 0);
  }
  const after = { tensors: numTensors(), rss: process.memoryUsage().rss };
  report({ before, after, calls: 850 });
} else if (scenario === 'mismatch') {
  const shape = await errorOf(group.allreduce([values(rank === 0 ? [3] : [4], 'float32')]));
  const dtype = await errorOf(group.allreduce([values([3], rank === 0 ? 'float32' : 'int32')]));
  const kind = await errorOf(
    rank === 0 ? group.allreduce([values([3], 'float32')]) : group.broadcast([values([3], 'float32')]),
  );
  // The group is still in step after a mismatch: the next matching call works.
  const after = values([2], 'float32');
  await group.allreduce([after]);
  report({ shape, dtype, kind, after: Array.from(after.dataSync()) });
} else if (scenario === 'peer-exit') {
  if (rank === 1) process.exit(0);
  const start = Date.now();
  const error = await errorOf(group.allreduce([values([1000], 'float32')]));
  const again = await errorOf(group.allreduce([values([10], 'float32')]));
  report({ error, again, ms: Date.now() - start });
} else if (scenario === 'stall') {
  // Rank 1 is alive but never calls: rank 0's call must fail when the group's timeout is up.
  if (rank === 1) await new Promise((resolve) => setTimeout(resolve, 4000));
  const start = Date.now();
  const error = await errorOf(group.allreduce([values([10], 'float32')]));
  report({ error, ms: Date.now() - start });
  process.exit(0);
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
await group.leave();
