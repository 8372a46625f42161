/** Training throughput of SimpleCNN / ResNet-18 on a tfjs backend, measured like torch_reference.py. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { registerLibtorchBackend, setCudnnBenchmark, setDevice, setNumThreads } from '../src/index.js';
import { batchTensors, syntheticBatch } from '../testing/data.js';
import { resnet18, simpleCnn } from '../testing/models.js';

export interface TrainBenchOptions {
  backend?: string;
  model?: 'simplecnn' | 'resnet18';
  samples?: number;
  batch?: number;
  epochs?: number;
  threads?: number;
  /** libtorch: cpu, cuda or cuda:N (default cpu). */
  device?: string;
  /** libtorch on a GPU: cuDNN's benchmark mode (default off: deterministic). */
  cudnnBenchmark?: boolean;
}

export interface TrainBenchResult {
  backend: string;
  device: string;
  model: string;
  threads: number;
  batch: number;
  train_samples: number;
  epoch_seconds_median: number;
  samples_per_second: number;
  inference_samples_per_second: number;
}

/** Trains on synthetic 28x28x1 images (PneumoniaMNIST's 4,708 by default) and times each epoch of model.fit. */
export async function benchTraining(opts: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const backend = opts.backend ?? 'libtorch';
  const model = opts.model ?? 'simplecnn';
  const samples = opts.samples ?? 4708,
    batch = opts.batch ?? 64,
    epochs = opts.epochs ?? 3,
    threads = opts.threads ?? 2;
  if (backend === 'libtorch') {
    const r = registerLibtorchBackend({ threads });
    if (!r.ok) throw new Error(r.reason);
    setNumThreads(threads);
    // Before any tensor exists on the backend: each keeps the device it was made on.
    setDevice(opts.device ?? 'cpu');
    setCudnnBenchmark(opts.cudnnBenchmark ?? false);
  }
  await tf.setBackend(backend);
  const net = model === 'resnet18' ? resnet18() : simpleCnn();
  net.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const [x, y] = batchTensors(syntheticBatch(samples));
  const times: number[] = [];
  let start = 0;
  await net.fit(x, y, {
    batchSize: batch,
    epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        start = performance.now();
      },
      onEpochEnd: async () => {
        times.push((performance.now() - start) / 1000);
      },
    },
  });
  const t0 = performance.now();
  tf.dispose(net.predict(x, { batchSize: 256 }) as tf.Tensor);
  const inferSeconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  net.dispose();
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2; // as Python's statistics.median
  return {
    backend,
    device: backend === 'libtorch' ? (opts.device ?? 'cpu') : 'cpu',
    model,
    threads,
    batch,
    train_samples: samples,
    epoch_seconds_median: median,
    samples_per_second: samples / median,
    inference_samples_per_second: samples / inferSeconds,
  };
}

/**
 * Runs `script` (torch_reference.py, with Debian python3-torch) and returns its JSON line, or null. With a
 * `device`, runs this package's bench/torch_device_reference.py instead, which trains torch_reference.py's
 * models on that device (`python`: a Python whose torch has CUDA; default /usr/bin/python3).
 */
export function torchReference(opts: {
  script: string;
  npz: string;
  model?: string;
  epochs?: number;
  threads?: number;
  limit?: number;
  device?: string;
  cudnnBenchmark?: boolean;
  python?: string;
}): Record<string, unknown> | null {
  if (!existsSync(opts.script) || !existsSync(opts.npz)) return null;
  const onDevice = opts.device !== undefined;
  const args = [
    ...(onDevice
      ? [fileURLToPath(new URL('../../bench/torch_device_reference.py', import.meta.url)), '--reference']
      : []),
    opts.script,
    '--npz',
    opts.npz,
    '--model',
    opts.model ?? 'simplecnn',
    '--epochs',
    String(opts.epochs ?? 3),
    '--threads',
    String(opts.threads ?? 2),
  ];
  if (opts.limit) args.push('--limit', String(opts.limit));
  if (onDevice) args.push('--device', opts.device as string, ...(opts.cudnnBenchmark ? ['--cudnn-benchmark'] : []));
  const r = spawnSync(opts.python ?? '/usr/bin/python3', args, { encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(r.stderr ?? '');
  const last = r.stdout?.trim().split('\n').pop();
  try {
    return last ? JSON.parse(last) : null;
  } catch {
    return null;
  }
}
