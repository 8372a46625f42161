/**
 * Data-parallel collectives between processes, on libtorch's own c10d (a TCPStore rendezvous and a Gloo
 * process group; native/distributed/process_group.cc). One group per process, joined with torchrun's
 * variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK). Collectives work in place on the libtorch
 * backend's tensors, run off the JS thread, and reject with a message on a timeout, a peer that is gone,
 * or ranks that pass different shapes or dtypes; they never hang past the group's timeout.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from './backend.js';
import { loadAddon } from './native.js';

/** The native functions of native/distributed/process_group.cc (absent when built without Gloo). */
export interface NativeDistributed {
  join(addr: string, port: number, worldSize: number, rank: number, timeoutMs: number): Promise<void>;
  allreduce(ids: number[], reduce: number, bucketBytes: number): Promise<void>;
  broadcast(ids: number[], root: number, bucketBytes: number): Promise<void>;
  barrier(): Promise<void>;
  leave(): void;
  groupInfo(): { rank: number; worldSize: number; timeoutMs: number; broken: string } | null;
}

/** Where the group meets and who this process is in it: torchrun's MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK. */
export interface GroupAddress {
  masterAddr: string;
  masterPort: number;
  worldSize: number;
  rank: number;
}

export interface JoinOptions extends GroupAddress {
  /** How long the rendezvous and each collective may wait for the other ranks (default 5 minutes, as torch's Gloo). */
  timeoutMs?: number;
}

/** How allreduce combines the ranks' values ('avg': the sum divided by the world size, float32 only). */
export type ReduceOp = 'sum' | 'avg' | 'max' | 'min';
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, avg: 1, max: 2, min: 3 };

/** Bytes per flat buffer a collective sends at once (DistributedDataParallel's default bucket, 25 MiB). */
export const DEFAULT_BUCKET_BYTES = 25 << 20;

/** The default collective timeout: 5 minutes, as torch.distributed's Gloo default. */
export const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;

function native(): NativeDistributed {
  const loaded = loadAddon();
  if (!('addon' in loaded)) throw new Error(`distributed training needs the libtorch backend: ${loaded.reason}`);
  const addon = loaded.addon as unknown as { distributed?: NativeDistributed; distributedUnavailable?: string };
  if (!addon.distributed)
    throw new Error(
      `distributed training is unavailable: ${addon.distributedUnavailable ?? 'the native addon is older than this package (npm rebuild tfjs-backend-libtorch)'}`,
    );
  return addon.distributed;
}

/** Why collectives cannot run in this process (no addon, no Gloo), or null when they can. */
export function distributedUnavailableReason(): string | null {
  try {
    native();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The group address torchrun's variables give, or null when WORLD_SIZE is unset; throws naming the
 * variable that is missing or malformed.
 */
export function groupAddressFromEnv(env: NodeJS.ProcessEnv = process.env): GroupAddress | null {
  if (env.WORLD_SIZE === undefined) return null;
  const int = (name: string, min: number, max: number): number => {
    const raw = env[name];
    const n = Number(raw);
    if (raw === undefined || raw === '' || !Number.isInteger(n) || n < min || n > max)
      throw new Error(
        `${name} must be an integer in ${min}..${max} (got ${raw === undefined ? 'nothing' : `'${raw}'`})`,
      );
    return n;
  };
  const worldSize = int('WORLD_SIZE', 1, 1 << 16);
  const rank = int('RANK', 0, worldSize - 1);
  const masterPort = int('MASTER_PORT', 1, 65535);
  const masterAddr = env.MASTER_ADDR;
  if (!masterAddr) throw new Error('MASTER_ADDR must name the host of rank 0 (e.g. 127.0.0.1)');
  return { masterAddr, masterPort, worldSize, rank };
}

/**
 * A process group this process has joined. Collectives run one at a time in call order (each waits for the
 * previous), so every rank must call the same collectives in the same order, as with torch.distributed.
 */
export class ProcessGroup {
  private queue: Promise<unknown> = Promise.resolve();
  private left = false;

  private constructor(
    private readonly d: NativeDistributed,
    readonly rank: number,
    readonly worldSize: number,
    readonly timeoutMs: number,
  ) {}

  /** Meets the other ranks at masterAddr:masterPort (rank 0 hosts the store there) and connects to every one. */
  static async join(opts: JoinOptions): Promise<ProcessGroup> {
    const d = native();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    await d.join(opts.masterAddr, opts.masterPort, opts.worldSize, opts.rank, timeoutMs);
    return new ProcessGroup(d, opts.rank, opts.worldSize, timeoutMs);
  }

  /**
   * Combines each tensor with the same tensor on every other rank, in place (every tensor sharing its data
   * changes too). Tensors are flattened into buffers of at most `bucketBytes` per dtype, so a model's
   * gradients go in a few messages, not one per variable. float32 and int32 only.
   */
  allreduce(tensors: tf.Tensor[], op: ReduceOp = 'sum', bucketBytes = DEFAULT_BUCKET_BYTES): Promise<void> {
    const code = REDUCE_CODES[op];
    if (code === undefined) return Promise.reject(new Error(`allreduce: unknown reduction '${op}'`));
    return this.enqueue(() => this.d.allreduce(this.ids(tensors), code, bucketBytes));
  }

  /** Sets each tensor, in place, to its value on rank `root` (any dtype). */
  broadcast(tensors: tf.Tensor[], root = 0, bucketBytes = DEFAULT_BUCKET_BYTES): Promise<void> {
    return this.enqueue(() => this.d.broadcast(this.ids(tensors), root, bucketBytes));
  }

  /** Resolves when every rank has reached it. */
  barrier(): Promise<void> {
    return this.enqueue(() => this.d.barrier());
  }

  /** Leaves the group (after the collectives already called); later calls throw. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.queue.catch(() => {});
    this.d.leave();
  }

  /** Why the group can no longer be used (a peer gone, a timeout), or null. */
  get failure(): string | null {
    const info = this.d.groupInfo();
    return info?.broken ? info.broken : null;
  }

  private ids(tensors: tf.Tensor[]): number[] {
    const backend = tf.engine().findBackend('libtorch') as LibtorchBackend | null;
    if (!backend) throw new Error('collectives need the libtorch backend to be registered');
    return tensors.map((t) => {
      if (t.isDisposed) throw new Error('collectives cannot use a disposed tensor');
      return backend.nativeId(t);
    });
  }

  private enqueue(call: () => Promise<void>): Promise<void> {
    if (this.left) return Promise.reject(new Error('this process has left the process group'));
    const run = this.queue.then(call, call);
    this.queue = run.catch(() => {});
    return run;
  }
}
