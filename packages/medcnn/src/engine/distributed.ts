import * as tf from '@tensorflow/tfjs-core';
import { MedcnnError } from '../errors.js';

/** torchrun's variables: where rank 0 hosts the rendezvous, how many ranks, and which one this is. */
export interface GroupAddress {
  masterAddr: string;
  masterPort: number;
  worldSize: number;
  rank: number;
}

/** The collectives a data-parallel run needs, on libtorch's c10d (Gloo); in place on the libtorch backend's tensors. */
export interface Collectives {
  readonly rank: number;
  readonly worldSize: number;
  allreduce(tensors: tf.Tensor[], op: 'sum' | 'avg' | 'max' | 'min'): Promise<void>;
  broadcast(tensors: tf.Tensor[], root: number): Promise<void>;
  barrier(): Promise<void>;
  leave(): Promise<void>;
}

/** The parts of tfjs-backend-libtorch's distributed API used here (an optional dependency, imported at run time). */
interface DistributedModule {
  groupAddressFromEnv(env?: NodeJS.ProcessEnv): GroupAddress | null;
  distributedUnavailableReason(): string | null;
  ProcessGroup: { join(opts: GroupAddress & { timeoutMs: number }): Promise<Collectives> };
}

async function load(): Promise<DistributedModule | string> {
  try {
    return (await import('tfjs-backend-libtorch' as string)) as DistributedModule;
  } catch (e) {
    return `the tfjs-backend-libtorch package is not installed (${(e as Error).message.split('\n')[0]})`;
  }
}

function unavailable(reason: string): MedcnnError {
  return new MedcnnError(
    `Training on several processes needs the libtorch backend, which is unavailable here: ${reason}. Train in one process (without --nproc and WORLD_SIZE).`,
    `複数プロセスでの学習には libtorch バックエンドが必要ですが、ここでは使えません: ${reason}。--nproc と WORLD_SIZE を付けずに 1 プロセスで学習してください。`,
  );
}

/** Why this machine cannot take part in a data-parallel run (no libtorch, no Gloo), or null. */
export async function distributedUnavailable(): Promise<MedcnnError | null> {
  const mod = await load();
  if (typeof mod === 'string') return unavailable(mod);
  const reason = mod.distributedUnavailableReason();
  return reason ? unavailable(reason) : null;
}

/** The group torchrun's variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK) describe, or null when WORLD_SIZE is unset. */
export async function groupAddressFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<GroupAddress | null> {
  if (env.WORLD_SIZE === undefined) return null;
  const mod = await load();
  if (typeof mod === 'string') throw unavailable(mod);
  try {
    return mod.groupAddressFromEnv(env);
  } catch (e) {
    throw new MedcnnError(
      `The distributed job's variables are wrong: ${(e as Error).message}.`,
      `分散学習の環境変数が正しくありません: ${(e as Error).message}。`,
    );
  }
}

let joined = false;

/** Whether this process has met the other ranks (a worker still waiting for them has nothing to save). */
export function hasJoinedGroup(): boolean {
  return joined;
}

/** Joins the group (the engine must already be libtorch); every rank must call this within `timeoutMs`. */
export async function joinGroup(address: GroupAddress, timeoutMs: number): Promise<Collectives> {
  if (tf.getBackend() !== 'libtorch')
    throw unavailable(`the engine is ${tf.getBackend()} (choose --backend libtorch or leave --backend at auto)`);
  const problem = await distributedUnavailable();
  if (problem) throw problem;
  const mod = (await load()) as DistributedModule;
  try {
    const group = await mod.ProcessGroup.join({ ...address, timeoutMs });
    joined = true;
    return group;
  } catch (e) {
    throw new MedcnnError(
      `Rank ${address.rank} of ${address.worldSize} could not meet the other ranks at ${address.masterAddr}:${address.masterPort} within ${timeoutMs / 1000} s: ${(e as Error).message}. Start every rank with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE.`,
      `ランク ${address.rank}（全 ${address.worldSize}）は ${timeoutMs / 1000} 秒以内に ${address.masterAddr}:${address.masterPort} で他のランクと合流できませんでした: ${(e as Error).message}。すべてのランクを同じ MASTER_ADDR、MASTER_PORT、WORLD_SIZE で起動してください。`,
    );
  }
}
