/** tfjs-backend-libtorch: a TensorFlow.js backend whose kernels run on ATen (libtorch). */
import { getKernelsForBackend, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { cpus } from 'node:os';

import { LibtorchBackend } from './backend.js';
import { fallbackKernel } from './fallback.js';
import { registerLibtorchGradients } from './gradients/register_all_gradients.js';
import { installFusedAdam } from './optimizers/adam.js';
import { installFusedSgd } from './optimizers/sgd.js';
import { loadAddon, type NativeAddon } from './native.js';
import { nativeOpMismatches } from './native_ops.js';
import { nativeKernels } from './register_all_kernels.js';

export { fallbackCounts, resetFallbackCounts } from './fallback.js';
export { LibtorchBackend } from './backend.js';
export { type CaptureStatus, StepCapture } from './capture.js';
export {
  DEFAULT_BUCKET_BYTES,
  DEFAULT_TIMEOUT_MS,
  distributedUnavailableReason,
  type GroupAddress,
  groupAddressFromEnv,
  type JoinOptions,
  ProcessGroup,
  type ReduceOp,
} from './distributed.js';
export { installFusedBatchNorm } from './layers/batch_norm.js';
export { setWeightDecay, type WeightDecay } from './optimizers/fused.js';

/** The tfjs backend name. */
export const BACKEND_NAME = 'libtorch';

let registered = false;

/**
 * Registers the 'libtorch' tfjs backend if the native addon loads and has every native op the kernels call,
 * with the attributes they pass (src/native_ops.ts); never throws.
 * Priority is 0: callers select it with tf.setBackend('libtorch').
 */
export function registerLibtorchBackend(opts: { threads?: number } = {}): { ok: true } | { ok: false; reason: string } {
  try {
    const loaded = loadAddon();
    if (!('addon' in loaded)) return { ok: false, reason: loaded.reason };
    const addon = loaded.addon;
    const mismatch = checkNativeOps(addon);
    if (mismatch) return { ok: false, reason: mismatch };
    // Threads: as asked, else the default on first registration (a later call keeps setNumThreads' choice).
    if (opts.threads !== undefined) setNumThreads(opts.threads);
    else if (!registered) setNumThreads(defaultThreads());
    // Gradients are registered by tfjs-layers (or tfjs) on import; wrap them now, idempotently.
    registerLibtorchGradients();
    installFusedAdam();
    installFusedSgd();
    if (registered) return { ok: true };
    const layout = process.env.TFJS_LIBTORCH_CONV_LAYOUT;
    if (layout) {
      if (!(CONV_LAYOUTS as readonly string[]).includes(layout))
        return {
          ok: false,
          reason: `TFJS_LIBTORCH_CONV_LAYOUT='${layout}' is not a convolution layout; use one of ${CONV_LAYOUTS.join(', ')}`,
        };
      setConvLayout(layout as ConvLayout);
    }
    // cuDNN's defaults for a GPU: its heuristic's choice, deterministic (setCudnnBenchmark changes it).
    addon.setCudnn(false, true);
    registerBackend(BACKEND_NAME, () => new LibtorchBackend(addon), 0);
    const native = new Set<string>();
    for (const config of nativeKernels) {
      registerKernel(config);
      native.add(config.kernelName);
    }
    // Whatever the cpu backend can do and we cannot, it does for us (counted).
    for (const config of getKernelsForBackend('cpu')) {
      if (!native.has(config.kernelName)) registerKernel(fallbackKernel(config));
    }
    registered = true;
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `libtorch backend registration failed: ${(e as Error).message}` };
  }
}

/** Why the addon cannot run this package's kernels (an op missing or its attributes changed), or null. */
function checkNativeOps(addon: NativeAddon): string | null {
  const rebuild = 'rebuild it: npm rebuild tfjs-backend-libtorch';
  if (typeof addon.opAttributes !== 'function') return `the native addon is older than this package (${rebuild})`;
  const problems = nativeOpMismatches(addon.opNames(), addon.opAttributes());
  if (problems.length === 0) return null;
  return `the native addon does not match this package's kernels (${rebuild}): ${problems.join('; ')}`;
}

function defaultThreads(): number {
  const env = Number(process.env.MEDCNN_THREADS);
  return Number.isInteger(env) && env > 0 ? env : cpus().length;
}

/** Sets ATen's intra-op thread count (no-op when the addon is unavailable). */
export function setNumThreads(n: number): void {
  const loaded = loadAddon();
  if ('addon' in loaded && Number.isInteger(n) && n > 0) loaded.addon.setNumThreads(n);
}

/**
 * The intra-op thread count asked for (`target`), the one in use (`current`: one while other busy processes share
 * the cores, native/governor.cc), how many times it went down to one, and whether MEDCNN_FIXED_THREADS=1 holds it
 * fixed; null when the addon is unavailable.
 */
export function threadGovernor(): { target: number; current: number; reductions: number; fixed: boolean } | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.threadGovernor() : null;
}

/** ATen's intra-op thread count in use; the machine's cores when the addon is unavailable. */
export function getNumThreads(): number {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.getNumThreads() : cpus().length;
}

/** The memory order convolutions run in: see setConvLayout. */
export type ConvLayout = 'auto' | 'channels-last' | 'nchw' | 'mixed';
const CONV_LAYOUTS: readonly ConvLayout[] = ['auto', 'channels-last', 'nchw', 'mixed'];

let convLayout: ConvLayout = 'auto';

/**
 * Chooses the memory order convolutions run in (no-op when the addon is unavailable). 'mixed' runs 3x3 (and
 * larger) convolutions with 64 x 64 channels or more in NCHW memory, where oneDNN uses its blocked kernels
 * (faster on AVX2), and the others (1x1, few channels) channels_last. 'auto', the default, is channels_last
 * throughout on a CPU with AVX-512 (faster there: native/kernels/conv_common.h) and 'mixed' elsewhere.
 * 'channels-last' and 'nchw' force one order for every convolution but the depthwise ones, which follow their
 * input (measure with `npm run bench`). Results agree to float rounding either way. Where a libtorch's oneDNN
 * fails in channels_last on a machine, 'nchw' keeps off those kernels; TFJS_LIBTORCH_CONV_LAYOUT sets it at
 * registration, without code.
 */
export function setConvLayout(layout: ConvLayout): void {
  const mode = CONV_LAYOUTS.indexOf(layout);
  if (mode < 0) throw new Error(`unknown convolution layout '${layout}'; use one of ${CONV_LAYOUTS.join(', ')}`);
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setConvLayout(mode);
  convLayout = layout;
}

/** The memory order setConvLayout (or TFJS_LIBTORCH_CONV_LAYOUT) chose: 'auto' unless changed. */
export function getConvLayout(): ConvLayout {
  return convLayout;
}

/** The algorithm convolutions run with: see setConvAlgorithm. */
export type ConvAlgorithm = 'auto' | 'onednn' | 'gemm';
const CONV_ALGORITHMS: readonly ConvAlgorithm[] = ['auto', 'onednn', 'gemm'];

/**
 * Chooses how convolutions (not the depthwise ones) run (no-op when the addon is unavailable). 'auto', the
 * default, runs those with output maps of at most 4x4 that oneDNN's direct kernels handle slowly (ResNet's
 * last stage on 28x28 images) as one matrix product over im2col columns on oneDNN's sgemm, and all others on
 * oneDNN's convolution kernels; 'onednn' and 'gemm' force one algorithm (for tests, and for machines where
 * the other wins: measure with `npm run bench`). 'gemm' needs oneDNN's sgemm in a shared libdnnl (Debian's
 * libtorch has it; an official libtorch hides it), and is refused with a message where it is missing.
 */
export function setConvAlgorithm(algorithm: ConvAlgorithm): void {
  const mode = CONV_ALGORITHMS.indexOf(algorithm);
  if (mode < 0)
    throw new Error(`unknown convolution algorithm '${algorithm}'; use one of ${CONV_ALGORITHMS.join(', ')}`);
  const loaded = loadAddon();
  if ('addon' in loaded && !loaded.addon.setConvAlgorithm(mode)) {
    throw new Error(
      "convolution algorithm 'gemm' is unavailable: this libtorch does not expose oneDNN's sgemm (a shared libdnnl, as Debian's libtorch has)",
    );
  }
}

/** The libtorch version the addon was built against, or null when it is unavailable. */
export function libtorchVersion(): string | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.version() : null;
}

/**
 * What the addon can run on: whether its libtorch was built with CUDA (true for PyTorch's CUDA builds even on a
 * machine without a GPU), and how many GPUs it sees.
 */
export interface DeviceSupport {
  cudaBuilt: boolean;
  gpus: number;
}

/** What the addon can run on, or null when it is unavailable. */
export function deviceSupport(): DeviceSupport | null {
  const loaded = loadAddon();
  if (!('addon' in loaded)) return null;
  const [cuda, gpus] = loaded.addon.devices();
  return { cudaBuilt: cuda === 1, gpus };
}

/**
 * Checks that a device name (cpu, cuda, cuda:N) can be used, and returns its canonical name ('cpu', 'cuda:0');
 * throws an Error saying why not: an unknown name, no addon, a libtorch without CUDA, no GPU visible, no such GPU.
 */
export function checkDevice(name: string): string {
  const m = /^(cpu|cuda)(?::(\d+))?$/.exec(name);
  if (!m || (m[1] === 'cpu' && m[2] !== undefined))
    throw new Error(`unknown device '${name}'; use cpu, cuda or cuda:N`);
  if (m[1] === 'cpu') return 'cpu';
  const support = deviceSupport();
  if (!support)
    throw new Error(`device '${name}' needs the native addon, which is unavailable: ${unavailableReason()}`);
  if (!support.cudaBuilt)
    throw new Error(
      `device '${name}' needs a libtorch built with CUDA; this addon was built against libtorch ${libtorchVersion()} without CUDA (Debian's is CPU-only). Rebuild against PyTorch's: LIBTORCH=/path/to/libtorch npm rebuild tfjs-backend-libtorch, or with a CUDA PyTorch on the PATH's python3`,
    );
  if (support.gpus === 0)
    throw new Error(
      `device '${name}': this addon's libtorch ${libtorchVersion()} has CUDA but sees no GPU. Check that the NVIDIA driver is loaded (nvidia-smi lists the GPU) and that CUDA_VISIBLE_DEVICES, if set, names one; or use --device cpu`,
    );
  const index = Number(m[2] ?? 0);
  if (index >= support.gpus)
    throw new Error(`device '${name}': this libtorch sees ${support.gpus} GPU(s) (numbered from 0)`);
  return `cuda:${index}`;
}

/**
 * Makes the backend create every tensor on `name` (cpu, cuda, cuda:N), where its kernels then run; `read`
 * copies back to the host. Call it before creating tensors on the libtorch backend: a tensor keeps the device
 * it was made on, and an op whose inputs are on another device than the current one is an error (no silent
 * copies). Returns the canonical name; throws as checkDevice does. The CPU is the default.
 */
export function setDevice(name: string): string {
  const device = checkDevice(name);
  const loaded = loadAddon();
  if (!('addon' in loaded)) {
    if (device === 'cpu') return device;
    throw new Error(`device '${name}' needs the native addon, which is unavailable: ${loaded.reason}`);
  }
  return loaded.addon.setDevice(device);
}

/** The device new tensors are made on ('cpu', 'cuda:0'); 'cpu' when the addon is unavailable. */
export function currentDevice(): string {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.getDevice() : 'cpu';
}

/**
 * How cuDNN chooses convolution algorithms on a GPU. The default, `benchmark: false`, takes cuDNN's
 * heuristic choice and asks for its deterministic algorithms (the same result for the same inputs, run to
 * run); `benchmark: true` times the candidates at each new shape and keeps the fastest (faster after the
 * first step; results may differ in the last bits between runs). Harmless on the CPU (ATen keeps the flags).
 */
export function setCudnnBenchmark(benchmark: boolean): void {
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setCudnn(benchmark, !benchmark);
}

/** ATen's cuDNN flags, or null when the addon is unavailable. */
export function cudnnFlags(): { benchmark: boolean; deterministic: boolean } | null {
  const loaded = loadAddon();
  if (!('addon' in loaded)) return null;
  const [benchmark, deterministic] = loaded.addon.getCudnn();
  return { benchmark, deterministic };
}

/** Why the backend is unavailable, or null when the addon loads. */
export function unavailableReason(): string | null {
  const loaded = loadAddon();
  return 'reason' in loaded ? loaded.reason : null;
}
