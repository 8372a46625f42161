/**
 * One process of the data-parallel bench (distributed-bench.ts): with torchrun's variables set it is a rank,
 * else a lone process. Prints one JSON line: training samples/s (all ranks together), or allreduce timings.
 *
 *   node dist/bench/distributed-worker.js train MODEL COUNT EPOCHS THREADS NPZ
 *   node dist/bench/distributed-worker.js allreduce resnet18 CALLS 0 THREADS
 */
import * as tf from '@tensorflow/tfjs-core';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { readSplits, type SplitData } from '../src/data/load.js';
import { initEngine } from '../src/engine/backend.js';
import { type Collectives, groupAddressFromEnv, joinGroup } from '../src/engine/distributed.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel } from '../src/models/index.js';
import { trainModel } from '../src/train/trainer.js';

const [mode, model, countArg, epochsArg, threadsArg, npz] = process.argv.slice(2);
await initEngine({ backend: 'libtorch', threads: Number(threadsArg) });
const address = await groupAddressFromEnv();
const group: Collectives | undefined = address ? await joinGroup(address, 120_000) : undefined;
const rank = group?.rank ?? 0;

function head(s: SplitData, n: number): SplitData {
  const px = s.height * s.width * s.channels;
  return { ...s, count: n, images: s.images.subarray(0, n * px), labels: s.labels.subarray(0, n * s.labelWidth) };
}

seedEverything(42);
const m = createModel(model, { inputShape: [28, 28, 1], numClasses: 2 });
if (mode === 'train') {
  const [train, val] = readSplits(npz, ['train', 'val']);
  const res = await trainModel({
    model: m,
    task: 'binary-class',
    train: head(train, Math.min(train.count, Number(countArg))),
    val: head(val, 64),
    epochs: Number(epochsArg),
    batchSize: 64,
    learningRate: 1e-3,
    seed: 42,
    normalization: MINUS_ONE_TO_ONE,
    group,
  });
  // The last epoch: the first one includes the engine's warm-up.
  if (rank === 0) console.log(JSON.stringify({ samplesPerSecond: res.history.at(-1)!.samplesPerSecond }));
} else {
  // ResNet-18's gradient: one tensor per trainable weight, as the trainer reduces them (in 25 MiB buckets).
  const grads = m.trainableWeights.map((w) => tf.zerosLike(w.read()));
  const bytes = grads.reduce((n, g) => n + g.size * 4, 0);
  for (let k = 0; k < 2; k++) await group!.allreduce(grads, 'avg');
  const calls = Number(countArg);
  const t0 = performance.now();
  for (let k = 0; k < calls; k++) await group!.allreduce(grads, 'avg');
  const seconds = (performance.now() - t0) / 1000 / calls;
  if (rank === 0) console.log(JSON.stringify({ bytes, seconds }));
}
await group?.leave();
