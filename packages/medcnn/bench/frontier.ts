/**
 * `npm run bench -- --frontier`: the architectures after ResNet at the sizes they are used at, beside torchvision's
 * own (../shared/bench/torch_reference.py) measured the same way: the first PneumoniaMNIST images resized to
 * the size (bilinear) and repeated to 3 channels, batch 32 (ViT-B/16: 8), two epochs from a fresh model, the training samples
 * divided by the median epoch time. Also the peak memory (RSS) of training, each side in a process of its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { readSplits, type SplitData } from '../src/data/load.js';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel } from '../src/models/index.js';
import { predictSplit } from '../src/train/predict.js';
import { trainModel } from '../src/train/trainer.js';
import { samplesPerSecondInChild } from './child-figure.js';

/** Training or inference samples/s of a case, in a fresh process (child-figure.ts says why). */
export function frontierSpeedInChild(kind: 'train' | 'infer', c: FrontierCase, threads: number): number {
  const args = ['--speed-probe', kind, c.model, String(threads)];
  return samplesPerSecondInChild(import.meta.filename, args, `the ${kind} probe of ${c.model}`);
}

/** One row: an architecture at a size, trained on `limit` images in batches of `batch`. */
export interface FrontierCase {
  model: string;
  title: string;
  size: number;
  limit: number;
  batch: number;
}

export const FRONTIER_CASES: FrontierCase[] = [
  { model: 'mobilenet_v2', title: 'MobileNetV2', size: 128, limit: 64, batch: 32 },
  { model: 'efficientnet_b0', title: 'EfficientNet-B0', size: 128, limit: 64, batch: 32 },
  { model: 'resnet50', title: 'ResNet-50', size: 128, limit: 64, batch: 32 },
  { model: 'densenet121', title: 'DenseNet-121', size: 128, limit: 64, batch: 32 },
  // tfjs keeps every intermediate of a step until it ends: ViT-B/16 at batch 32 needs ~20 GB (GELU alone is five
  // tensors per MLP activation), so it runs at batch 8 on both sides.
  { model: 'vit_b_16', title: 'ViT-B/16', size: 224, limit: 32, batch: 8 },
];

/** The first n images of a split resized to size×size (bilinear, half-pixel centres as PyTorch's) in 3 channels. */
export function resizedSplit(s: SplitData, n: number, size: number): SplitData {
  const images = tf.tidy(() => {
    const x = tf.tensor4d(
      s.images.subarray(0, n * s.height * s.width * s.channels),
      [n, s.height, s.width, s.channels],
      'int32',
    );
    const r = tf.image.resizeBilinear(tf.cast(x, 'float32'), [size, size], false, true);
    return tf.tile(tf.clipByValue(tf.round(r), 0, 255), [1, 1, 1, 3 / s.channels]);
  });
  const data = Uint8Array.from(images.dataSync());
  images.dispose();
  return {
    ...s,
    count: n,
    height: size,
    width: size,
    channels: 3,
    images: data,
    labels: s.labels.slice(0, n * s.labelWidth),
  };
}

/** Training samples/s as torch_reference.py measures it: two epochs from a fresh model, median epoch time. */
export async function frontierTrainSpeed(c: FrontierCase, train: SplitData, val: SplitData): Promise<number> {
  seedEverything(42);
  const m = createModel(c.model, { inputShape: [c.size, c.size, 3], numClasses: 2 });
  const res = await trainModel({
    model: m,
    task: 'binary-class',
    train,
    val,
    epochs: 2,
    batchSize: c.batch,
    learningRate: 1e-3,
    seed: 42,
    normalization: MINUS_ONE_TO_ONE,
  });
  m.dispose();
  const seconds = res.history.map((h) => h.seconds).sort((a, b) => a - b);
  return train.count / ((seconds[0] + seconds[seconds.length - 1]) / 2);
}

/** Inference samples/s over the given images in the case's batches (best of three, after one warm-up pass). */
export function frontierInferSpeed(c: FrontierCase, test: SplitData): number {
  seedEverything(42);
  const m = createModel(c.model, { inputShape: [c.size, c.size, 3], numClasses: 2 });
  predictSplit(m, test, 'binary-class', MINUS_ONE_TO_ONE, c.batch);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    predictSplit(m, test, 'binary-class', MINUS_ONE_TO_ONE, c.batch);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  m.dispose();
  return test.count / best;
}

/** Peak RSS (MiB) of a child process that trains `model` at `size` for one epoch: medcnn's, by this file's probe. */
export function medcnnTrainingRss(
  model: string,
  size: number,
  limit: number,
  batch: number,
  threads: number,
): number | null {
  const r = spawnSync(
    process.execPath,
    [import.meta.filename, '--rss-probe', model, String(size), String(limit), String(batch), String(threads)],
    { encoding: 'utf8', env: { ...process.env } },
  );
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { maxRssMiB: number }).maxRssMiB;
  } catch {
    return null;
  }
}

/**
 * Peak RSS (MiB) of torch_reference.py training the same model: the process's VmHWM, not its rusage, whose
 * maximum Linux carries over from the parent that spawned it (this bench, gigabytes in).
 */
export function torchTrainingRss(
  python: string,
  reference: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): number | null {
  const code = [
    'import json, runpy, sys',
    `sys.argv = [${JSON.stringify(reference)}] + ${JSON.stringify(args)}`,
    `runpy.run_path(${JSON.stringify(reference)}, run_name="__main__")`,
    'hwm = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]',
    'print(json.dumps({"maxRssMiB": hwm / 1024}))',
  ].join('\n');
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', env });
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { maxRssMiB: number }).maxRssMiB;
  } catch {
    return null;
  }
}

/** This process's peak RSS in KiB (VmHWM: rusage's maximum includes the parent's, see torchTrainingRss). */
function peakRssKiB(): number {
  const line = fs
    .readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) : process.resourceUsage().maxRSS;
}

/** The child side of medcnnTrainingRss: reads the data, trains one epoch, prints its own peak RSS. */
async function rssProbe(argv: string[]): Promise<void> {
  const [model, size, limit, batch, threads] = [argv[0], ...argv.slice(1).map(Number)];
  await initEngine({ backend: 'libtorch', threads });
  const sharedDir = path.resolve(import.meta.dirname, '../../../../../shared');
  const npz = path.join(process.env.MEDMNIST_ROOT ?? path.join(sharedDir, 'medmnist'), 'pneumoniamnist.npz');
  const [train, val] = readSplits(npz, ['train', 'val']);
  const small = size === 28;
  const first = (s: SplitData, n: number): SplitData =>
    small
      ? { ...s, count: n, images: s.images.subarray(0, n * 784), labels: s.labels.subarray(0, n * s.labelWidth) }
      : resizedSplit(s, n, size);
  const [tr, va] = [first(train, limit), first(val, 32)];
  seedEverything(42);
  const m = createModel(model, { inputShape: [size, size, small ? 1 : 3], numClasses: 2 });
  await trainModel({
    model: m,
    task: 'binary-class',
    train: tr,
    val: va,
    epochs: 1,
    batchSize: batch,
    learningRate: 1e-3,
    seed: 42,
    normalization: MINUS_ONE_TO_ONE,
  });
  console.log(JSON.stringify({ maxRssMiB: peakRssKiB() / 1024 }));
}

/** The child side of frontierSpeedInChild: the case's data as the bench makes it, one measurement, printed. */
async function speedProbe([kind, model, threads]: string[]): Promise<void> {
  const c = FRONTIER_CASES.find((f) => f.model === model)!;
  await initEngine({ backend: 'libtorch', threads: Number(threads) });
  const sharedDir = path.resolve(import.meta.dirname, '../../../../../shared');
  const npz = path.join(process.env.MEDMNIST_ROOT ?? path.join(sharedDir, 'medmnist'), 'pneumoniamnist.npz');
  const [train, val, test] = readSplits(npz, ['train', 'val', 'test']);
  const samplesPerSecond =
    kind === 'train'
      ? await frontierTrainSpeed(c, resizedSplit(train, c.limit, c.size), resizedSplit(val, 32, c.size))
      : frontierInferSpeed(c, resizedSplit(test, c.limit, c.size));
  console.log(JSON.stringify({ samplesPerSecond }));
}

if (process.argv[2] === '--rss-probe') await rssProbe(process.argv.slice(3));
if (process.argv[2] === '--speed-probe') await speedProbe(process.argv.slice(3));
