import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients by itself; tfjs-layers' Node bundle registers all of them.
import * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';
import { registerCpuTrainingKernels, registerWasmTrainingKernels } from './composed-kernels/index.js';

export type BackendName = 'libtorch' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['libtorch', 'wasm', 'cpu'];

/** What the engine got, and why a better backend was not used. */
export interface EngineInfo {
  backend: BackendName;
  threads: number;
  /** Where the kernels run: 'cpu', or 'cuda:N' on libtorch built with CUDA (see resolveDevice). */
  device: string;
  /** Why the device is what it is, when a GPU was visible but not used. */
  deviceNote?: string;
  /** cuDNN's benchmark mode (--cudnn-benchmark; only a GPU reads it). */
  cudnnBenchmark: boolean;
  /** Backends tried before this one, with the reason each was unavailable. */
  skipped: { backend: BackendName; reason: string }[];
  versions: Record<string, string>;
}

let current: EngineInfo | null = null;

/** The backend medcnn is running on, once initEngine has run. */
export function engineInfo(): EngineInfo | null {
  return current;
}

/** The parts of tfjs-backend-libtorch medcnn uses (an optional dependency, so imported at run time). */
interface LibtorchModule {
  registerLibtorchBackend(opts?: { threads?: number }): { ok: true } | { ok: false; reason: string };
  installFusedBatchNorm(layers: typeof tfl): void;
  setWeightDecay(optimizer: tf.Optimizer, weightDecay: number, decoupled: boolean): boolean;
  deviceSupport(): { cudaBuilt: boolean; gpus: number } | null;
  checkDevice(name: string): string;
  setDevice(name: string): string;
  setCudnnBenchmark(benchmark: boolean): void;
  StepCapture: new (opts: { onStatus?: (s: CaptureStatus) => void }) => CapturedStep;
  threadGovernor(): { target: number; current: number; reductions: number; fixed: boolean } | null;
}

/** Where a captured training step stands (tfjs-backend-libtorch's CaptureStatus). */
export type CaptureStatus =
  | { kind: 'warming' }
  | { kind: 'recording' }
  | { kind: 'captured'; ops: number; constants: number; fused: number }
  | { kind: 'refused'; reason: string };

/** A training step captured once and replayed natively on later batches of the same shapes. */
export interface CapturedStep {
  readonly status: CaptureStatus;
  /** One step on the batch `inputs`; `body` runs it plainly (and is skipped once replayed); `rate`: the schedule's factor. */
  step(inputs: tf.Tensor[], rate: number, body: () => tf.Tensor): tf.Tensor;
  dispose(): void;
}

/**
 * A step capture for a training run on libtorch (see tfjs-backend-libtorch's capture.ts), or null on other
 * backends and with MEDCNN_STEP_CAPTURE=0 (then every step runs plainly, as before).
 */
export function stepCapture(onStatus?: (s: CaptureStatus) => void): CapturedStep | null {
  if (tf.getBackend() !== 'libtorch' || !libtorch || process.env.MEDCNN_STEP_CAPTURE === '0') return null;
  return new libtorch.StepCapture({ onStatus });
}

/**
 * Whether the current backend copies the values a tensor is made from when it is made (libtorch does), so that
 * one buffer can stage every batch. The cpu backend keeps the very array, so there each batch needs its own.
 * Why stage: a fresh array a batch is freed only when V8 collects garbage, which it did every ~200 steps, so
 * glibc's heap grew meanwhile and each step faulted new pages in (SimpleCNN: ~70 a step, ~6% of an epoch).
 */
export function writesAreCopied(): boolean {
  return tf.getBackend() === 'libtorch';
}

/**
 * How many times the native backend has gone down to one thread because other busy processes shared the cores
 * (tfjs-backend-libtorch's native/governor.cc); 0 on other backends. Results then differ in their last digits
 * from a run on the threads asked for.
 */
export function threadReductions(): number {
  return tf.getBackend() === 'libtorch' && libtorch ? (libtorch.threadGovernor()?.reductions ?? 0) : 0;
}

let libtorch: LibtorchModule | null = null;

/**
 * Puts weight decay inside the optimizer's fused native step (L2, or decoupled as AdamW) when the engine is
 * libtorch; false elsewhere, where the caller applies the decay itself.
 */
export function fuseWeightDecay(optimizer: tf.Optimizer, weightDecay: number, decoupled: boolean): boolean {
  return (
    tf.getBackend() === 'libtorch' && libtorch !== null && libtorch.setWeightDecay(optimizer, weightDecay, decoupled)
  );
}

async function tryLibtorch(threads: number): Promise<string | null> {
  try {
    const mod = (await import('tfjs-backend-libtorch' as string)) as LibtorchModule;
    const res = mod.registerLibtorchBackend({ threads });
    if (!res.ok) return res.reason;
    libtorch = mod;
    // BatchNorm layers train with one native kernel each way instead of tfjs-layers' chain of small ones.
    mod.installFusedBatchNorm(tfl);
    return null;
  } catch (e) {
    return `the tfjs-backend-libtorch package is not installed (${(e as Error).message.split('\n')[0]})`;
  }
}

async function tryCpu(): Promise<string | null> {
  registerCpuTrainingKernels();
  return (await tf.setBackend('cpu')) ? null : 'the cpu backend failed to initialise';
}

/**
 * Places the libtorch backend on its device before tfjs creates any tensor there (a tensor keeps the device it
 * was made on), then selects it. Throws a MedcnnError for a device that cannot be used.
 */
async function startLibtorch(wanted: string, cudnnBenchmark: boolean): Promise<DevicePlacement | string> {
  const placed = resolveDevice('libtorch', wanted);
  const mod = libtorch as LibtorchModule;
  mod.setDevice(placed.device);
  mod.setCudnnBenchmark(cudnnBenchmark);
  if (!(await tf.setBackend('libtorch'))) return 'the libtorch backend failed to initialise';
  return placed;
}

async function tryWasm(): Promise<string | null> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialise';
    return null;
  } catch (e) {
    return `the wasm backend could not load (${(e as Error).message})`;
  }
}

/**
 * Picks the best backend available (libtorch, then wasm, then cpu), or the one asked for by name
 * (--backend, else MEDCNN_BACKEND). Returns what it got and why better ones were skipped.
 */
export async function initEngine(
  opts: { backend?: string; threads?: number; device?: string; cudnnBenchmark?: boolean } = {},
): Promise<EngineInfo> {
  const wanted = opts.backend ?? process.env.MEDCNN_BACKEND ?? 'auto';
  if (wanted !== 'auto' && !BACKENDS.includes(wanted as BackendName)) {
    throw new MedcnnError(
      `Unknown backend '${wanted}'. Choose one of: auto, ${BACKENDS.join(', ')}.`,
      `バックエンド '${wanted}' はありません。auto, ${BACKENDS.join(', ')} のいずれかを選んでください。`,
    );
  }
  tf.enableProdMode(); // no debug checks, and no console advice about tfjs-node
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new MedcnnError(
      `--threads must be a whole number ≥ 1, got ${threads}.`,
      `--threads は 1 以上の整数にしてください（指定値: ${threads}）。`,
    );
  }
  const cores = os.availableParallelism();
  if (threads > cores)
    throw new MedcnnError(
      `--threads ${threads} is more than this machine's ${cores} core(s); extra threads only wait on each other and make training slower. Use --threads ${cores} or fewer.`,
      `--threads ${threads} はこのマシンのコア数 ${cores} を超えています。余分なスレッドは互いに待ち合うだけで、学習が遅くなります。--threads は ${cores} 以下にしてください。`,
    );
  const deviceWanted = opts.device ?? process.env.MEDCNN_DEVICE ?? 'auto';
  const cudnnBenchmark = opts.cudnnBenchmark ?? false;
  const order = wanted === 'auto' ? BACKENDS : [wanted as BackendName];
  const skipped: EngineInfo['skipped'] = [];
  for (const name of order) {
    let placed: DevicePlacement | string | null = null;
    if (name === 'libtorch') {
      const reason = await tryLibtorch(threads);
      placed = reason ?? (await startLibtorch(deviceWanted, cudnnBenchmark));
    } else {
      const reason = name === 'wasm' ? await tryWasm() : await tryCpu();
      placed = reason ?? resolveDevice(name, deviceWanted);
    }
    if (typeof placed !== 'string') {
      const versions: Record<string, string> = { 'tfjs-core': tf.version_core, node: process.versions.node };
      current = {
        backend: name,
        threads: name === 'cpu' || name === 'wasm' ? 1 : threads,
        ...placed,
        cudnnBenchmark,
        skipped,
        versions,
      };
      return current;
    }
    skipped.push({ backend: name, reason: placed });
  }
  throw new MedcnnError(
    `Backend '${wanted}' is not available: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}. Try --backend auto.`,
    `バックエンド '${wanted}' は使えません: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}。--backend auto を試してください。`,
  );
}

/** Where the kernels run, and why not on a GPU when one was visible but not taken. */
export interface DevicePlacement {
  device: string;
  deviceNote?: string;
}

/**
 * The device for --device (auto, cpu, cuda, cuda:N) on a backend: 'cpu' or 'cuda:N', or a clear error. `auto`
 * takes the first GPU where the libtorch backend has CUDA and sees one, as the tutorial does (`cuda` if
 * available), else the CPU; cuda is refused with the reason where it cannot be had (another backend, a
 * libtorch without CUDA, no GPU visible, no such GPU).
 */
export function resolveDevice(backend: BackendName, wanted: string): DevicePlacement {
  const name = wanted.toLowerCase();
  if (name !== 'auto' && !/^(cpu|cuda(:\d+)?)$/.test(name))
    throw new MedcnnError(
      `Unknown device '${wanted}'. Choose auto, cpu, cuda or cuda:N.`,
      `デバイス '${wanted}' はありません。auto, cpu, cuda, cuda:N のいずれかを選んでください。`,
    );
  if (name === 'cpu') return { device: 'cpu' };
  if (backend !== 'libtorch' || !libtorch) {
    if (name === 'auto') return { device: 'cpu' };
    throw new MedcnnError(
      `--device ${wanted} needs the libtorch backend built with CUDA; the ${backend} backend runs on the CPU only. Use --device cpu.`,
      `--device ${wanted} には CUDA 付きでビルドした libtorch バックエンドが必要です。${backend} バックエンドは CPU でのみ動きます。--device cpu を使ってください。`,
    );
  }
  if (name === 'auto') {
    const support = libtorch.deviceSupport();
    return { device: support?.cudaBuilt && support.gpus > 0 ? 'cuda:0' : 'cpu' };
  }
  try {
    return { device: libtorch.checkDevice(name) };
  } catch (e) {
    const why = (e as Error).message;
    throw new MedcnnError(`--device ${wanted}: ${why}.`, `--device ${wanted} は使えません: ${why}。`);
  }
}

/**
 * The device of one rank of a data-parallel job (--nproc, WORLD_SIZE): the CPU, since the collectives are
 * Gloo's, which reduce host memory (a GPU would need NCCL). `auto` means cpu there; cuda is refused.
 */
export function deviceForGroup(wanted: string | undefined): string {
  const name = (wanted ?? process.env.MEDCNN_DEVICE ?? 'auto').toLowerCase();
  if (name === 'auto' || name === 'cpu') return 'cpu';
  throw new MedcnnError(
    `--device ${name}: data-parallel training (--nproc, WORLD_SIZE) runs on the CPU only (its collectives are Gloo's; GPUs would need NCCL). Use --device cpu, or train on the GPU in one process.`,
    `--device ${name}: データ並列学習（--nproc、WORLD_SIZE）は CPU でのみ動きます（集団通信は Gloo のもので、GPU には NCCL が必要です）。--device cpu を使うか、GPU では 1 プロセスで学習してください。`,
  );
}
