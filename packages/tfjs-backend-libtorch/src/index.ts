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

/** ATen's intra-op thread count; the machine's cores when the addon is unavailable. */
export function getNumThreads(): number {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.getNumThreads() : cpus().length;
}

/** The memory order convolutions run in: see setConvLayout. */
export type ConvLayout = 'auto' | 'channels-last' | 'nchw';
const CONV_LAYOUTS: readonly ConvLayout[] = ['auto', 'channels-last', 'nchw'];

/**
 * Chooses the memory order convolutions run in (no-op when the addon is unavailable). 'auto', the default,
 * runs 3x3 (and larger) convolutions with 64 x 64 channels or more in NCHW memory, where oneDNN uses its
 * blocked kernels (faster on AVX2), and the others (1x1, few channels) channels_last; the two others force
 * one order for every convolution but the depthwise ones, which follow their input, for machines where
 * another choice wins (measure with `npm run bench`). Results agree to float rounding either way.
 */
export function setConvLayout(layout: ConvLayout): void {
  const mode = CONV_LAYOUTS.indexOf(layout);
  if (mode < 0) throw new Error(`unknown convolution layout '${layout}'; use one of ${CONV_LAYOUTS.join(', ')}`);
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setConvLayout(mode);
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
      "convolution algorithm 'gemm' is unavailable: this libtorch does not expose oneDNN's sgemm (a shared libdnnl.so.2, as Debian's libtorch has)",
    );
  }
}

/** The libtorch version the addon was built against, or null when it is unavailable. */
export function libtorchVersion(): string | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.version() : null;
}

/** What the addon can run on: whether its libtorch was built with CUDA, and how many GPUs it sees. */
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
 * Checks that a device name (cpu, cuda, cuda:N) can be used, and returns it; throws an Error saying why not.
 * Kernels run on the CPU only in this version: a CUDA request is refused with the reason even where libtorch
 * has CUDA, until the kernels are placed on the device (see the README's "GPU" section).
 */
export function checkDevice(name: string): 'cpu' {
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
  const index = Number(m[2] ?? 0);
  if (index >= support.gpus)
    throw new Error(`device '${name}': this libtorch sees ${support.gpus} GPU(s) (numbered from 0)`);
  throw new Error(
    `device '${name}': this libtorch has CUDA and sees the GPU, but the backend's kernels do not run on CUDA yet; use cpu`,
  );
}

/** Why the backend is unavailable, or null when the addon loads. */
export function unavailableReason(): string | null {
  const loaded = loadAddon();
  return 'reason' in loaded ? loaded.reason : null;
}
