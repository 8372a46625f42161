/**
 * `npm run bench`: training and inference speed of medcnn on each available backend beside PyTorch on
 * the same CPU, same threads and batch 64. Prints figures and ratios; asserts nothing.
 *
 *   node dist/bench/run.js [--backends libtorch,wasm] [--threads N] [--skip-resnet-wasm]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TUTORIAL_NORMALIZATION } from '../src/data/batch.js';
import { readSplits, type SplitData } from '../src/data/load.js';
import { initEngine, type BackendName } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel, listModels } from '../src/models/index.js';
import { predictSplit } from '../src/train/predict.js';
import { trainModel } from '../src/train/trainer.js';
import { runExtraBenches } from './extra.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('threads') ?? os.availableParallelism());
const backends = (flag('backends') ?? 'libtorch,wasm').split(',') as BackendName[];
const skipResnetWasm = args.includes('--skip-resnet-wasm');
const sharedDir = path.resolve(import.meta.dirname, '../../../../../shared');
const root = process.env.MEDMNIST_ROOT ?? path.join(sharedDir, 'medmnist');
const npz = path.join(root, 'pneumoniamnist.npz');
const reference = path.join(sharedDir, 'bench/torch_reference.py');
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Row { what: string; backend: string; samplesPerSecond: number | null; note?: string }
const rows: Row[] = [];

function head(s: SplitData, n: number): SplitData {
  const px = s.height * s.width * s.channels;
  return { ...s, count: n, images: s.images.subarray(0, n * px), labels: s.labels.subarray(0, n * s.labelWidth) };
}

/**
 * Samples/s of training as torch_reference.py measures it: `epochs` full epochs from a fresh model, no
 * warm-up, the training samples divided by the median epoch time (validation excluded).
 */
async function trainSpeed(model: string, train: SplitData, val: SplitData, epochs: number): Promise<number> {
  seedEverything(42);
  const m = createModel(model, { inputShape: [28, 28, 1], numClasses: 2 });
  const res = await trainModel({
    model: m, task: 'binary-class', train, val: head(val, 64), epochs, batchSize: 64, learningRate: 1e-3, seed: 42, normalization: TUTORIAL_NORMALIZATION,
    onBatch: (epoch, done) => {
      if (done % 640 === 0 || done === train.count) process.stderr.write(`\r  ${model} epoch ${epoch}/${epochs} ${done}/${train.count}`);
    },
  });
  process.stderr.write('\n');
  m.dispose();
  const seconds = res.history.map((h) => h.seconds).sort((a, b) => a - b);
  const median = seconds.length % 2 ? seconds[seconds.length >> 1] : (seconds[seconds.length / 2 - 1] + seconds[seconds.length / 2]) / 2;
  return train.count / median;
}

/** Samples/s of inference over the test set in batches of 256 (best of three). */
function inferSpeed(model: string, test: SplitData): number {
  seedEverything(42);
  const m = createModel(model, { inputShape: [28, 28, 1], numClasses: 2 });
  predictSplit(m, head(test, 256), 'binary-class', TUTORIAL_NORMALIZATION);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    predictSplit(m, test, 'binary-class', TUTORIAL_NORMALIZATION);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  m.dispose();
  return test.count / best;
}

function torch(script: string, extra: string[]): number | null {
  const r = spawnSync(python, [script, ...extra], { encoding: 'utf8' });
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { samples_per_second: number }).samples_per_second;
  } catch {
    console.log(`  PyTorch reference did not run (${(r.stderr || r.error?.message || 'no output').trim().split('\n').at(-1)}); install python3-torch and python3-numpy`);
    return null;
  }
}

async function main(): Promise<void> {
  const [train, val, test] = readSplits(npz, ['train', 'val', 'test']);
  const hasResnet = listModels().some((m) => m.name === 'resnet18');
  console.log(`medcnn benchmark: PneumoniaMNIST 28×28, batch 64, ${threads} thread(s), ${os.cpus()[0]?.model ?? 'cpu'}`);

  console.log('PyTorch (Debian python3-torch) …');
  const torchSimple = torch(reference, ['--npz', npz, '--model', 'simplecnn', '--epochs', '2', '--threads', String(threads)]);
  rows.push({ what: 'SimpleCNN train (2 epochs, 4708)', backend: 'pytorch', samplesPerSecond: torchSimple });
  const torchResnet = hasResnet ? torch(reference, ['--npz', npz, '--model', 'resnet18', '--epochs', '1', '--limit', '640', '--threads', String(threads)]) : null;
  if (hasResnet) rows.push({ what: 'ResNet-18 (28) train (640)', backend: 'pytorch', samplesPerSecond: torchResnet });
  const inferScript = path.join(import.meta.dirname, '../../bench/torch_inference.py');
  const torchInferSimple = torch(inferScript, ['--reference', reference, '--npz', npz, '--model', 'simplecnn', '--threads', String(threads)]);
  rows.push({ what: 'SimpleCNN inference (test 624)', backend: 'pytorch', samplesPerSecond: torchInferSimple });
  const torchInferResnet = hasResnet ? torch(inferScript, ['--reference', reference, '--npz', npz, '--model', 'resnet18', '--threads', String(threads)]) : null;
  if (hasResnet) rows.push({ what: 'ResNet-18 (28) inference (test 624)', backend: 'pytorch', samplesPerSecond: torchInferResnet });

  for (const backend of backends) {
    let engine;
    try {
      engine = await initEngine({ backend, threads });
    } catch (e) {
      console.log(`${backend}: unavailable (${(e as Error).message})`);
      continue;
    }
    console.log(`${backend} (${engine.threads} thread(s)) …`);
    rows.push({ what: 'SimpleCNN train (2 epochs, 4708)', backend, samplesPerSecond: await trainSpeed('simplecnn', train, val, 2) });
    rows.push({ what: 'SimpleCNN inference (test 624)', backend, samplesPerSecond: inferSpeed('simplecnn', test) });
    if (hasResnet && !(backend === 'wasm' && skipResnetWasm)) {
      rows.push({ what: 'ResNet-18 (28) train (640)', backend, samplesPerSecond: await trainSpeed('resnet18', head(train, 640), val, 1) });
      rows.push({ what: 'ResNet-18 (28) inference (test 624)', backend, samplesPerSecond: inferSpeed('resnet18', test) });
    }
    await runExtraBenches(backend, (line) => console.log(`  ${line}`));
    tf.disposeVariables();
  }

  console.log('\nresults (samples/s; ratio = medcnn ÷ PyTorch on this machine)');
  console.log(`${'what'.padEnd(38)}${'backend'.padEnd(10)}${'samples/s'.padStart(11)}${'ratio'.padStart(9)}`);
  for (const r of rows) {
    const peer = rows.find((p) => p.backend === 'pytorch' && p.what === r.what)?.samplesPerSecond;
    const ratio = r.backend !== 'pytorch' && peer && r.samplesPerSecond ? `${(r.samplesPerSecond / peer).toFixed(2)}×` : '';
    console.log(`${r.what.padEnd(38)}${r.backend.padEnd(10)}${(r.samplesPerSecond?.toFixed(1) ?? 'n/a').padStart(11)}${ratio.padStart(9)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
