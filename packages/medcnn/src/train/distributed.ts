import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '../data/dataset-info.js';
import type { SplitData } from '../data/load.js';
import type { Collectives } from '../engine/distributed.js';
import { MedcnnError } from '../errors.js';
import type { Predictions } from '../metrics/evaluator.js';
import { type InputFn, predictSplit } from './predict.js';

/**
 * This rank's part of an epoch's order, as PyTorch's DistributedSampler takes it: the order (the same on
 * every rank: one seed, one shuffle per epoch) padded with its own start to a multiple of the world size,
 * then every worldSize-th index from `rank`. Ranks get disjoint parts of equal length, and the k-th batch
 * of every rank together holds exactly the samples of the k-th batch of one process at the total batch size.
 */
export function shardOf(order: Int32Array, rank: number, worldSize: number): Int32Array {
  const perRank = Math.ceil(order.length / worldSize);
  const out = new Int32Array(perRank);
  for (let k = 0; k < perRank; k++) out[k] = order[(rank + k * worldSize) % order.length];
  return out;
}

/** The batch each rank trains on: --batch-size is the total over the ranks, as in one process. */
export function perRankBatch(batchSize: number, worldSize: number): number {
  if (batchSize % worldSize !== 0)
    throw new MedcnnError(
      `--batch-size ${batchSize} is the total batch over all ranks and must be divisible by their number (${worldSize}).`,
      `--batch-size ${batchSize} は全ランク合計のバッチサイズです。ランク数（${worldSize}）で割り切れる値にしてください。`,
    );
  return batchSize / worldSize;
}

/** A collective's failure as the user's error: this rank names itself, and says where to look. */
export function lostContact(group: Collectives, e: unknown): MedcnnError {
  const why = (e as Error).message;
  return new MedcnnError(
    `Distributed training stopped on rank ${group.rank} of ${group.worldSize}: ${why}. Another rank stopped or lost its connection (see its output); nothing was saved from this epoch.`,
    `ランク ${group.rank}（全 ${group.worldSize}）で分散学習が止まりました: ${why}。他のランクが止まったか接続が切れています（そのランクの出力を見てください）。このエポックの結果は保存していません。`,
  );
}

/** Runs a collective; its failure becomes `lostContact`. */
export async function collective(group: Collectives, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    throw lostContact(group, e);
  }
}

/** True on every rank when any rank asks to stop (Ctrl-C, SIGTERM), so that all stop at the same batch. */
export async function anyRankStops(group: Collectives, here: boolean): Promise<boolean> {
  const flag = tf.scalar(here ? 1 : 0);
  try {
    await collective(group, () => group.allreduce([flag], 'max'));
    return flag.dataSync()[0] > 0;
  } finally {
    flag.dispose();
  }
}

/**
 * Predictions over a whole split, computed in shards (rank r takes the r-th contiguous part) and gathered
 * so that every rank holds all of them: each rank fills its part of a zeroed buffer, and a sum joins them.
 */
export async function predictSharded(
  group: Collectives,
  model: tfl.LayersModel,
  data: SplitData,
  task: Task,
  input: Parameters<typeof predictSplit>[3] | InputFn,
): Promise<{ predictions: Predictions; loss: number }> {
  const per = Math.ceil(data.count / group.worldSize);
  const from = Math.min(data.count, group.rank * per);
  const to = Math.min(data.count, from + per);
  const mine = predictSplit(model, data, task, input, 256, { from, to });
  const numClasses = mine.predictions.numClasses;
  const all = new Float32Array(data.count * numClasses + 1);
  all.set(mine.predictions.yScore, from * numClasses);
  all[all.length - 1] = mine.loss * (to - from);
  const buffer = tf.tensor1d(all);
  try {
    await collective(group, () => group.allreduce([buffer], 'sum'));
    const gathered = buffer.dataSync() as Float32Array;
    return {
      predictions: {
        yTrue: data.labels,
        labelWidth: data.labelWidth,
        yScore: gathered.slice(0, data.count * numClasses),
        numClasses,
      },
      loss: gathered[gathered.length - 1] / Math.max(1, data.count),
    };
  } finally {
    buffer.dispose();
  }
}
