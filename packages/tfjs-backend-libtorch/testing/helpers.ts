/** Shared test helpers: backend availability, running one function on libtorch and on cpu, comparing. */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers the gradient functions of the core ops.
import * as tfl from '@tensorflow/tfjs-layers';

import {
  type ConvLayout,
  fallbackCounts,
  getConvLayout,
  installFusedBatchNorm,
  registerLibtorchBackend,
  resetFallbackCounts,
  setConvAlgorithm,
  setConvLayout,
  setDevice,
} from '../src/index.js';
import { loadAddon } from '../src/native.js';

const registered = registerLibtorchBackend({ threads: Number(process.env.TFJS_LIBTORCH_TEST_THREADS ?? 2) });
// Every model test trains BatchNorm through the fused path on libtorch (and tfjs-layers' own on cpu).
installFusedBatchNorm(tfl);

/**
 * The device the native tests run the libtorch backend on: TFJS_LIBTORCH_TEST_DEVICE (cpu, cuda, cuda:N), else
 * cpu. The cpu backend they compare with stays tfjs' own. Where that device is unavailable (no CUDA in this
 * libtorch, no GPU) every native test is skipped with the reason.
 */
export const testDevice = process.env.TFJS_LIBTORCH_TEST_DEVICE ?? 'cpu';
let deviceProblem: string | null = null;
// TFJS_LIBTORCH_TEST_HOST_LOOPS=0: the kernels with host-memory loops take the ATen formulation a GPU takes,
// here on the CPU, so that the same tests check it without one.
export const hostLoopsOn = process.env.TFJS_LIBTORCH_TEST_HOST_LOOPS !== '0';
if (registered.ok && !hostLoopsOn) {
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setHostLoops(false);
}
if (registered.ok) {
  try {
    setDevice(testDevice);
  } catch (e) {
    deviceProblem = (e as Error).message;
  }
}

/**
 * false when native tests can run, else the reason they are skipped (printed once). Where libtorch is
 * installed (as in CI) the backend must register: a missing or broken addon fails every test file that
 * imports this module, rather than letting the native tests skip green. TFJS_LIBTORCH_SKIP_BUILD=1 (no
 * addon wanted) lets them skip.
 */
export const skipReason: string | false = !registered.ok
  ? `libtorch backend unavailable: ${registered.reason}`
  : deviceProblem
    ? `TFJS_LIBTORCH_TEST_DEVICE=${testDevice} unavailable: ${deviceProblem}`
    : false;
if (deviceProblem) console.log(`# skipping native tests: ${skipReason}`);
/**
 * For tests of what runs on the CPU only (step capture, Gloo collectives, the host allocator, the matrix-product
 * convolutions, tf.image.transform): false on the CPU, else why they are skipped on the test device.
 */
export const cpuOnlySkip: string | false =
  skipReason || (testDevice === 'cpu' ? false : `runs on the CPU only (TFJS_LIBTORCH_TEST_DEVICE=${testDevice})`);
/** For tests of our host-memory loops themselves: cpuOnlySkip's reason, or that they are off, else false. */
export const hostLoopsSkip: string | false =
  cpuOnlySkip || (hostLoopsOn ? false : 'tests our host-memory loops, off (TFJS_LIBTORCH_TEST_HOST_LOOPS=0)');
/**
 * For tests that force every convolution to be a matrix product on oneDNN's sgemm ('gemm'): cpuOnlySkip's reason,
 * or why this libtorch has no such product (an official build hides oneDNN inside itself), else false. Debian's
 * libtorch has it (a test in conv.test.ts holds that, so that this cannot skip there unnoticed).
 */
export const gemmSkip: string | false = cpuOnlySkip || gemmProblem();
function gemmProblem(): string | false {
  try {
    setConvAlgorithm('gemm');
    return false;
  } catch (e) {
    return (e as Error).message;
  } finally {
    setConvAlgorithm('auto');
  }
}

/**
 * Runs f with the convolutions' memory layout set to `layout` (e.g. 'mixed': a 3x3 64 -> 64 convolution then
 * writes NCHW memory), and puts back the layout that was set before, TFJS_LIBTORCH_CONV_LAYOUT's included.
 */
export function withConvLayout<T>(layout: ConvLayout, f: () => T): T {
  const before = getConvLayout();
  setConvLayout(layout);
  try {
    return f();
  } finally {
    setConvLayout(before);
  }
}

if (!registered.ok) {
  const libtorch = libtorchFound();
  if (libtorch && !process.env.TFJS_LIBTORCH_SKIP_BUILD) {
    throw new Error(
      `libtorch is installed (${libtorch}) but the libtorch backend did not register, so the native tests cannot ` +
        `run: ${registered.reason} (TFJS_LIBTORCH_SKIP_BUILD=1 skips them)`,
    );
  }
  console.log(`# skipping native tests: ${skipReason}`);
}

/** Where libtorch's headers and library are, when scripts/libtorch-path.cjs finds them; else null. */
function libtorchFound(): string | null {
  const { find } = createRequire(import.meta.url)('../../scripts/libtorch-path.cjs') as {
    find(): { include?: string; lib?: string; reason?: string };
  };
  const found = find();
  return found.reason ? null : `${found.include}, ${found.lib}`;
}

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  /** values; random when absent (normal floats, ints in [-5, 5], random bools) */
  values?: number[];
  /** random floats in [lo, hi) instead of normal */
  range?: [number, number];
}

/** Seeded pseudo-random numbers so failures reproduce. */
let seed = 12345;
/** Restarts the pseudo-random sequence. */
export function setSeed(s: number): void {
  seed = s;
}
export function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
function randn(): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export function makeValues(spec: InputSpec): number[] {
  if (spec.values) return spec.values;
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (spec.dtype === 'int32') out.push(Math.floor(rand() * 11) - 5);
    else if (spec.dtype === 'bool') out.push(rand() < 0.5 ? 1 : 0);
    else if (spec.range) out.push(spec.range[0] + rand() * (spec.range[1] - spec.range[0]));
    else out.push(randn());
  }
  return out;
}

export interface Outcome {
  shape: number[];
  dtype: string;
  values: number[];
}

/** Runs fn on fresh copies of the inputs on one backend; returns plain outputs. */
export async function runOn(
  backend: string,
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  specs: InputSpec[],
  values: number[][],
): Promise<Outcome[]> {
  await tf.setBackend(backend);
  const xs = specs.map((s, i) => tf.tensor(values[i], s.shape, s.dtype ?? 'float32'));
  try {
    const out = tf.tidy(() => fn(...xs));
    const outs = Array.isArray(out) ? out : [out];
    const res = outs.map((t) => ({
      shape: t.shape,
      dtype: t.dtype,
      values: Array.from(t.dataSync() as ArrayLike<number>),
    }));
    tf.dispose(outs);
    return res;
  } finally {
    tf.dispose(xs);
  }
}

/**
 * Asserts that fn gives the same shapes, dtypes and values (within tol) on libtorch and cpu, and that on
 * libtorch no kernel fell back to the cpu backend but those in `allowFallback` (else both sides are cpu's).
 */
export async function compareBackends(
  name: string,
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  specs: InputSpec[],
  tol = 1e-4,
  { allowFallback = [] }: { allowFallback?: string[] } = {},
): Promise<void> {
  const values = specs.map(makeValues);
  const want = await runOn('cpu', fn, specs, values);
  resetFallbackCounts();
  const got = await runOn('libtorch', fn, specs, values);
  const fellBack = Object.keys(fallbackCounts()).filter((k) => !allowFallback.includes(k));
  if (fellBack.length > 0) {
    throw new Error(
      `${name}: ${fellBack.join(', ')} ran on the cpu backend on libtorch, so this compared cpu with cpu; ` +
        'make the kernel native or list it in allowFallback',
    );
  }
  if (want.length !== got.length) throw new Error(`${name}: ${got.length} outputs, cpu gives ${want.length}`);
  want.forEach((w, k) => {
    const g = got[k];
    if (w.shape.join() !== g.shape.join()) throw new Error(`${name}[${k}]: shape [${g.shape}] vs cpu [${w.shape}]`);
    if (w.dtype !== g.dtype) throw new Error(`${name}[${k}]: dtype ${g.dtype} vs cpu ${w.dtype}`);
    for (let i = 0; i < w.values.length; i++) {
      const a = g.values[i],
        b = w.values[i];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) {
        throw new Error(`${name}[${k}]: element ${i} is ${a}, cpu gives ${b} (shape [${w.shape}])`);
      }
    }
  });
}
