/** Loading of the native addon (build/Release/tfjs_libtorch.node), which is optional. */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The functions the C++ addon exports (native/addon.cc). */
export interface NativeAddon {
  write(data: ArrayBufferView, shape: number[], dtype: number): number;
  read(id: number): Float32Array | Int32Array | Uint8Array;
  dispose(id: number): void;
  memoryBytes(): number;
  /** Bytes of freed large blocks kept for reuse by the addon's allocator (native/allocator.cc). */
  cachedBytes(): number;
  numTensors(): number;
  /** The names of the registered native ops. */
  opNames(): string[];
  /** Per op, in opNames' order: its attribute names, lists with a trailing "[]" (see src/native_ops.ts). */
  opAttributes(): string[][];
  setNumThreads(n: number): void;
  getNumThreads(): number;
  version(): string;
  /** [1 if this libtorch has CUDA else 0, the number of GPUs it sees]. */
  devices(): [number, number];
  /** Makes every new tensor on `name` (cpu, cuda, cuda:N); returns its canonical name; throws when impossible. */
  setDevice(name: string): string;
  /** false: kernels with host-memory loops take the ATen formulation other devices take, on the CPU too (tests). */
  setHostLoops(on: boolean): void;
  /** The device new tensors are made on ("cpu", "cuda:0"). */
  getDevice(): string;
  /** cuDNN's algorithm choice: benchmark (time candidates, keep the fastest) and deterministic. */
  setCudnn(benchmark: boolean, deterministic: boolean): void;
  /** [benchmark, deterministic] as ATen holds them. */
  getCudnn(): [boolean, boolean];
  /** 0: each convolution's memory order chosen by its size, 1: all channels_last, 2: all NCHW. */
  setConvLayout(mode: number): void;
  /** 0: each convolution's algorithm chosen by its size, 1: oneDNN always, 2: matrix product always (false: unavailable). */
  setConvAlgorithm(mode: number): boolean;
  /** The thread count asked for, the one in use (one while the CPU is shared; native/governor.cc), how often it went down. */
  threadGovernor(): { target: number; current: number; reductions: number; fixed: boolean };
  /** OpenMP's workers and how many of them block SIGINT (native/signals.cc; for its test). */
  workerSignalMasks(): { workers: number; blocking: number };
  /** Seeds the generator the random ops draw from (dropout masks; native/kernels/random.cc). */
  setRandomSeed(seed: number): void;
  /** Starts recording a training step (native/capture.cc). */
  captureBegin(): void;
  /** Stops recording; returns the trace. */
  captureEnd(): number;
  /** Stops recording and forgets it (the step threw). */
  captureAbort(): void;
  /** Compiles two recorded steps that must agree into a program; throws the reason when they do not. */
  captureCompile(a: number, b: number, rolesA: CaptureRoles, rolesB: CaptureRoles): number;
  /** Replays a program on batch inputs, swapping the new state into the variables; returns the outputs as `run` does. */
  captureReplay(program: number, inputs: number[], state: number[], rate: number): number[];
  /** [ops, intermediate slots, constants, pairs of ops fused into one] of a program. */
  captureInfo(program: number): [number, number, number, number];
  /** "" when program b has program a's form (the same ops on the same kinds of operands), else why not. */
  captureSameForm(a: number, b: number): string;
  /** Frees a trace or a program. */
  captureRelease(handle: number): void;
  /** Runs op `op` on tensors `ids` with its flat attributes; returns [id, dtype, rank, ...dims] per output. */
  run(op: number, ids: number[], attrs: number[], castTo: number): number[];
}

/** The ids a recorded step gives its roles: batch inputs, state before and after, outputs, and the rate factor. */
export type CaptureRoles = [number[], number[], number[], number[], number];

const require = createRequire(import.meta.url);
const addonPath = fileURLToPath(new URL('../../build/Release/tfjs_libtorch.node', import.meta.url));

let cached: { addon: NativeAddon } | { reason: string } | undefined;

/** Loads the addon once; returns it or the reason it is unavailable. */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  if (cached) return cached;
  if (!existsSync(addonPath)) {
    const { find } = require('../../scripts/libtorch-path.cjs') as { find(): { reason?: string } };
    const found = find();
    cached = {
      reason: found.reason
        ? `native addon not built: ${found.reason}`
        : `native addon not built (${addonPath} missing); run \`npm rebuild tfjs-backend-libtorch\` and read its output`,
    };
    return cached;
  }
  // OpenMP reads this when libgomp loads with the addon: its workers spin ~0.4 ms (20,000 pauses) before they
  // sleep, as waking a sleeping one costs 20-50 us a parallel region (SimpleCNN's step: 5.9 against 7.4 ms).
  // libgomp's own default (300,000) holds a core for milliseconds; when other busy processes share the cores,
  // the native side goes down to one thread, which never spins (native/governor.cc). A wait policy or spin
  // count set by the user stays as it is.
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined)
    process.env.GOMP_SPINCOUNT = '20000';
  // Debian 13's libtorch links Open MPI, which loads UCX, whose memory hooks (UCX_MEM_MMAP_HOOK_MODE; by default
  // they rewrite libc's memory-mapping functions in place) then go in while Node's threads run: 10 of 1,200 loads
  // crashed in V8 moments later, none of 1,200 with the hooks off (scripts/gpu/rehearse.sh loads). Nothing here
  // uses UCX, so they are off while the addon loads (UCX reads the setting then); the environment is left as it
  // was, and a value the user set is kept.
  const ucxHooks = process.env.UCX_MEM_MMAP_HOOK_MODE;
  if (ucxHooks === undefined) process.env.UCX_MEM_MMAP_HOOK_MODE = 'none';
  try {
    cached = { addon: require(addonPath) as NativeAddon };
  } catch (e) {
    cached = { reason: `native addon failed to load: ${(e as Error).message}` };
  } finally {
    if (ucxHooks === undefined) delete process.env.UCX_MEM_MMAP_HOOK_MODE;
  }
  return cached;
}
