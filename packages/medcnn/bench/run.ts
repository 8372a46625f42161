/**
 * `npm run bench`: training and inference speed of medcnn on each available backend beside PyTorch on
 * the same CPU, same threads and batch 64. Prints figures and ratios; asserts nothing.
 *
 *   node dist/bench/run.js [--backends libtorch,wasm] [--threads N] [--rounds N] [--skip-resnet-wasm] [--skip-import]
 *                          [--skip-distributed] [--only distributed|allreduce|import]
 *                          [--frontier | --frontier-only] [--frontier-models mobilenet_v2,efficientnet_b0,…] [--no-memory]
 *
 * --frontier adds, on libtorch, MobileNetV2, EfficientNet-B0, ResNet-50 and DenseNet-121 at 128 px and ViT-B/16 at
 * 224 against torchvision's (frontier.ts), and the peak memory of training ResNet-18 (28) and EfficientNet-B0 (128)
 * beside PyTorch's; --frontier-only runs just those (a few minutes a round on 2 cores).
 *
 * It also times `medcnn import` (1,000 JPEGs of 1024×1024 → 224×224) against ../shared/bench/import_reference.py
 * (Pillow, 2 worker processes): the first read, and the second read of the same folder (from the cache).
 * On libtorch it measures data-parallel training (1 process × 2 threads against 2 processes × 1 thread) and
 * the allreduce of ResNet-18's gradient between 2 processes (distributed-bench.ts); `--only` runs those alone, or the
 * import row alone (`--only import [--rounds N]`).
 *
 * This machine's speed drifts by 10–25% over minutes, so a ratio of two runs taken minutes apart measures the
 * drift as much as the code. Each figure is therefore measured in rounds (3 on libtorch, 1 on the slow wasm),
 * PyTorch and medcnn back to back, first one then the other; the ratio printed is the median of the rounds'
 * ratios, with their range. Every medcnn figure is taken in a fresh process, as every PyTorch one is.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MINUS_ONE_TO_ONE } from '../src/data/batch.js';
import { jpegDecoder } from '../src/data/decode.js';
import { readSplits, type SplitData } from '../src/data/load.js';
import { initEngine, type BackendName } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { createModel, listModels } from '../src/models/index.js';
import { predictSplit } from '../src/train/predict.js';
import { trainModel } from '../src/train/trainer.js';
import { ownBlas, torchBlas } from './blas.js';
import { samplesPerSecondInChild } from './child-figure.js';
import { benchDistributed } from './distributed-bench.js';
import { runExtraBenches } from './extra.js';
import { FRONTIER_CASES, frontierSpeedInChild, medcnnTrainingRss, torchTrainingRss } from './frontier.js';
import { benchImport, cpuRatios } from './import-bench.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('threads') ?? os.availableParallelism());
const backends = (flag('backends') ?? 'libtorch,wasm').split(',') as BackendName[];
const skipResnetWasm = args.includes('--skip-resnet-wasm');
const rounds = Number(flag('rounds') ?? 3);
const frontierOnly = args.includes('--frontier-only');
const frontier = frontierOnly || args.includes('--frontier');
// --frontier-models a,b: only these of the frontier's rows (ViT-B/16 needs ~20 GB at batch 32).
const frontierModels = flag('frontier-models')?.split(',');
const sharedDir = path.resolve(import.meta.dirname, '../../../../../shared');
// npm runs workspace scripts in the package's folder; a relative MEDMNIST_ROOT means the folder npm was run from.
const root = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.env.MEDMNIST_ROOT ?? path.join(sharedDir, 'medmnist'),
);
const npz = path.join(root, 'pneumoniamnist.npz');
const reference = path.join(sharedDir, 'bench/torch_reference.py');
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** One figure on one backend: medcnn's and PyTorch's samples/s, a pair per round. */
interface Row {
  what: string;
  backend: string;
  ours: number[];
  torch: (number | null)[];
}
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

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
    model: m,
    task: 'binary-class',
    train,
    val: head(val, 64),
    epochs,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 42,
    normalization: MINUS_ONE_TO_ONE,
    onBatch: (epoch, done) => {
      if (done % 640 === 0 || done === train.count)
        process.stderr.write(`\r  ${model} epoch ${epoch}/${epochs} ${done}/${train.count}`);
    },
  });
  process.stderr.write('\n');
  m.dispose();
  return train.count / median(res.history.map((h) => h.seconds));
}

/** Samples/s of inference over the test set in batches of 256 (best of three). */
function inferSpeed(model: string, test: SplitData): number {
  seedEverything(42);
  const m = createModel(model, { inputShape: [28, 28, 1], numClasses: 2 });
  predictSplit(m, head(test, 256), 'binary-class', MINUS_ONE_TO_ONE);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    predictSplit(m, test, 'binary-class', MINUS_ONE_TO_ONE);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  m.dispose();
  return test.count / best;
}

/** A classic row's figure for medcnn, in a fresh process (SimpleCNN in one process: 5,833 then 6,912 images/s). */
function classicInChild(kind: 'train' | 'infer', model: string, backend: BackendName): number {
  const args = ['--classic-probe', kind, model, backend, '--threads', String(threads)];
  return samplesPerSecondInChild(import.meta.filename, args, `the ${kind} probe of ${model}`);
}

/** The child's side of classicInChild: one figure, printed as JSON on the last line. */
async function classicProbe(kind: string, model: string, backend: string): Promise<void> {
  await initEngine({ backend, threads });
  const [train, val, test] = readSplits(npz, ['train', 'val', 'test']);
  const samplesPerSecond =
    kind === 'infer'
      ? inferSpeed(model, test)
      : model === 'resnet18'
        ? await trainSpeed(model, head(train, 640), val, 1)
        : await trainSpeed(model, train, val, 2);
  console.log(JSON.stringify({ samplesPerSecond }));
}

// The environment this bench was started with: the native backend sets GOMP_SPINCOUNT when it loads, and
// PyTorch must run as it would from the same shell, not with our setting.
const shellEnv = { ...process.env };

function torch(script: string, extra: string[]): number | null {
  const r = spawnSync(python, [script, ...extra], { encoding: 'utf8', env: shellEnv });
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { samples_per_second: number }).samples_per_second;
  } catch {
    console.log(
      `  PyTorch reference did not run (${(r.stderr || r.error?.message || 'no output').trim().split('\n').at(-1)}); install python3-torch and python3-numpy`,
    );
    return null;
  }
}

/**
 * Prints the BLAS of the native backend and of PyTorch; false (and a non-zero exit) when they differ, since a
 * ratio between a reference-BLAS side and an OpenBLAS side measures the BLAS, not the code.
 */
function sameBlas(): boolean {
  const ours = ownBlas();
  const peer = torchBlas(python, shellEnv);
  const describe = (b: typeof ours | typeof peer) =>
    b === null ? 'none mapped' : 'error' in b ? `unknown (${b.error})` : `${b.name} — ${b.file}`;
  console.log(`BLAS: medcnn (libtorch) ${describe(ours)}; PyTorch ${describe(peer)}`);
  if (ours && !('error' in peer) && ours.name !== peer.name) {
    console.log(
      '  refusing to compare libtorch with PyTorch on different BLAS libraries; install libopenblas0-openmp (both sides then use it)',
    );
    process.exitCode = 2;
    return false;
  }
  if (ours?.name.startsWith('reference'))
    console.log('  (the reference BLAS is ~50× slower for matrix products; apt-get install libopenblas0-openmp)');
  return true;
}

async function main(): Promise<void> {
  const only = flag('only');
  if (only !== undefined) {
    if (only === 'import') {
      await importRows(Number(flag('rounds') ?? 2));
      printRows();
      return;
    }
    if (only !== 'distributed' && only !== 'allreduce')
      throw new Error(`--only takes distributed, allreduce or import, got '${only}'`);
    await benchDistributed({ npz, log: (l) => console.log(l), only: only === 'allreduce' ? 'allreduce' : undefined });
    return;
  }
  const hasResnet = listModels().some((m) => m.name === 'resnet18');
  console.log(
    `medcnn benchmark: PneumoniaMNIST 28×28, batch 64, ${threads} thread(s), ${os.cpus()[0]?.model ?? 'cpu'}`,
  );
  const waiting = shellEnv.GOMP_SPINCOUNT
    ? `spinning (GOMP_SPINCOUNT=${shellEnv.GOMP_SPINCOUNT}, as set)`
    : shellEnv.OMP_WAIT_POLICY
      ? `as OMP_WAIT_POLICY=${shellEnv.OMP_WAIT_POLICY} says`
      : 'spinning ~0.4 ms (GOMP_SPINCOUNT=20000, the default; one thread while other busy processes share the cores)';
  const peerWaiting =
    shellEnv.GOMP_SPINCOUNT || shellEnv.OMP_WAIT_POLICY
      ? 'with the same settings'
      : "as libgomp does by default (GOMP_SPINCOUNT's 300,000, then sleep)";
  console.log(`OpenMP threads wait: medcnn ${waiting}; PyTorch ${peerWaiting}`);
  const inferScript = path.join(import.meta.dirname, '../../bench/torch_inference.py');
  const t = String(threads);
  const figures = [
    {
      what: 'SimpleCNN train (2 epochs, 4708)',
      resnet: false,
      ours: async (b: BackendName) => classicInChild('train', 'simplecnn', b),
      torch: () => torch(reference, ['--npz', npz, '--model', 'simplecnn', '--epochs', '2', '--threads', t]),
    },
    {
      what: 'SimpleCNN inference (test 624)',
      resnet: false,
      ours: async (b: BackendName) => classicInChild('infer', 'simplecnn', b),
      torch: () => torch(inferScript, ['--reference', reference, '--npz', npz, '--model', 'simplecnn', '--threads', t]),
    },
    {
      what: 'ResNet-18 (28) train (640)',
      resnet: true,
      ours: async (b: BackendName) => classicInChild('train', 'resnet18', b),
      torch: () =>
        torch(reference, ['--npz', npz, '--model', 'resnet18', '--epochs', '1', '--limit', '640', '--threads', t]),
    },
    {
      what: 'ResNet-18 (28) inference (test 624)',
      resnet: true,
      ours: async (b: BackendName) => classicInChild('infer', 'resnet18', b),
      torch: () => torch(inferScript, ['--reference', reference, '--npz', npz, '--model', 'resnet18', '--threads', t]),
    },
  ]
    .filter((f) => hasResnet || !f.resnet)
    .filter(() => !frontierOnly);
  if (frontier) figures.push(...frontierFigures(t));

  for (const backend of backends) {
    let engine: Awaited<ReturnType<typeof initEngine>>;
    try {
      engine = await initEngine({ backend, threads });
    } catch (e) {
      console.log(`${backend}: unavailable (${(e as Error).message})`);
      continue;
    }
    if (backend === 'libtorch' && !sameBlas()) continue;
    const n = backend === 'wasm' ? 1 : rounds;
    console.log(`${backend} (${engine.threads} thread(s)) and PyTorch (Debian python3-torch), ${n} round(s) …`);
    for (const f of figures) {
      if (f.resnet && backend === 'wasm' && skipResnetWasm) continue;
      // The frontier's models take minutes a step on wasm.
      if ('frontier' in f && backend !== 'libtorch') continue;
      const row: Row = { what: f.what, backend, ours: [], torch: [] };
      for (let r = 0; r < n; r++) {
        // Alternate who goes first, so that a drift within a round favours neither.
        if (r % 2 === 0) row.torch.push(f.torch());
        row.ours.push(await f.ours(backend));
        if (r % 2 === 1) row.torch.push(f.torch());
      }
      rows.push(row);
      const peerFigures = row.torch.map((v) => v?.toFixed(1) ?? 'n/a').join(', ');
      console.log(`  ${f.what}: ${row.ours.map((v) => v.toFixed(1)).join(', ')}/s, PyTorch ${peerFigures}/s`);
    }
    if (!frontierOnly) await runExtraBenches(backend, (line) => console.log(`  ${line}`));
    tf.disposeVariables();
  }

  if (backends.includes('libtorch') && !args.includes('--skip-distributed') && !frontierOnly) {
    try {
      await benchDistributed({ npz, log: (l) => console.log(l) });
    } catch (e) {
      console.log(`data-parallel figures unavailable: ${(e as Error).message}`);
    }
  }

  if (frontier && backends.includes('libtorch') && !args.includes('--no-memory')) memoryRows(t);

  if (!args.includes('--skip-import') && !frontierOnly) await importRows(2);

  printRows();
}

/** `medcnn import` against Pillow (import_reference.py): the first read and the second (the cache), with CPU time. */
async function importRows(importRounds: number): Promise<void> {
  console.log('medcnn import and Pillow (import_reference.py, 2 worker processes), 1,000 JPEGs 1024×1024 → 224 …');
  const imp = await benchImport({
    npz,
    reference: path.join(sharedDir, 'bench/import_reference.py'),
    python,
    rounds: importRounds,
  });
  // The library that decoded the JPEGs: libjpeg-turbo through jpeg-native, or sharp where it is not built.
  const decoder = jpegDecoder === 'libjpeg-turbo' ? 'libjpeg' : 'sharp';
  rows.push({ what: 'import 1,000 JPEGs 1024²→224', backend: decoder, ours: imp.ours, torch: imp.pillow });
  rows.push({ what: 'import again (from the cache)', backend: 'cache', ours: imp.cached, torch: imp.pillow });
  const cpu = (ms: (number | null)[]) => ms.map((v) => (v === null ? 'n/a' : v.toFixed(2))).join(', ');
  console.log(
    `  CPU ms per image (user + system, per round): medcnn ${cpu(imp.oursCpuMs)}; Pillow ${cpu(imp.pillowCpuMs)}; Pillow ÷ medcnn ${cpu(cpuRatios(imp))}`,
  );
  const again = imp.cached.map((c, i) => c / imp.ours[i]);
  console.log(
    `  second read ÷ first read: ${median(again).toFixed(0)}× (${again.map((a) => a.toFixed(0)).join(', ')})`,
  );
}

/** The table of every row measured, medians of the rounds and the range of their ratios. */
function printRows(): void {
  console.log(
    '\nresults (samples/s, medians of the rounds; ratio = medcnn ÷ PyTorch — Pillow for import — median of the rounds and their range)',
  );
  console.log(
    `${'what'.padEnd(38)}${'backend'.padEnd(10)}${'samples/s'.padStart(11)}${'PyTorch'.padStart(10)}${'ratio'.padStart(8)}  range`,
  );
  for (const r of rows) {
    const ratios = r.ours.flatMap((v, i) => (r.torch[i] ? [v / r.torch[i]!] : []));
    const torchRuns = r.torch.filter((v): v is number => v !== null);
    const peer = torchRuns.length ? median(torchRuns).toFixed(1) : 'n/a';
    const ratio = ratios.length ? `${median(ratios).toFixed(2)}×` : '';
    const range = ratios.length > 1 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '';
    console.log(
      `${r.what.padEnd(38)}${r.backend.padEnd(10)}${median(r.ours).toFixed(1).padStart(11)}${peer.padStart(10)}${ratio.padStart(8)}  ${range}`,
    );
  }
}

/** Training and inference of the frontier's architectures at their sizes (frontier.ts), as figures of the table. */
function frontierFigures(t: string) {
  return FRONTIER_CASES.filter((c) => !frontierModels || frontierModels.includes(c.model)).flatMap((c) => {
    const common = ['--npz', npz, '--model', c.model, '--size', String(c.size), '--threads', t];
    const batch = ['--batch', String(c.batch), '--limit', String(c.limit)];
    return [
      {
        what: `${c.title} (${c.size}) train (${c.limit})`,
        resnet: false,
        frontier: true,
        ours: async () => frontierSpeedInChild('train', c, Number(t)),
        torch: () => torch(reference, [...common, ...batch, '--epochs', '2']),
      },
      {
        what: `${c.title} (${c.size}) inference (${c.limit})`,
        resnet: false,
        frontier: true,
        ours: async () => frontierSpeedInChild('infer', c, Number(t)),
        torch: () =>
          torch(path.join(import.meta.dirname, '../../bench/torch_inference.py'), [
            '--reference',
            reference,
            ...common,
            ...batch,
          ]),
      },
    ];
  });
}

/** Peak RSS of one epoch of training, medcnn (libtorch) and PyTorch, each in a fresh process. */
function memoryRows(t: string): void {
  console.log('peak memory of training (RSS of a fresh process, MiB; medcnn on libtorch)');
  for (const [model, title, size, limit, batch] of [
    ['resnet18', 'ResNet-18 (28)', 28, 640, 64],
    ['efficientnet_b0', 'EfficientNet-B0 (128)', 128, 64, 32],
  ] as const) {
    const ours = medcnnTrainingRss(model, size, limit, batch, Number(t));
    const args = [
      '--npz',
      npz,
      '--model',
      model,
      '--epochs',
      '1',
      '--limit',
      String(limit),
      '--batch',
      String(batch),
      '--threads',
      t,
    ];
    if (size !== 28) args.push('--size', String(size));
    const peer = torchTrainingRss(python, reference, args, shellEnv);
    const ratio = ours && peer ? `${(ours / peer).toFixed(2)}×` : 'n/a';
    console.log(
      `  ${title.padEnd(24)} medcnn ${ours?.toFixed(0) ?? 'n/a'} MiB, PyTorch ${peer?.toFixed(0) ?? 'n/a'} MiB: ${ratio}`,
    );
  }
}

const run = args[0] === '--classic-probe' ? () => classicProbe(args[1], args[2], args[3]) : main;
run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
