import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AugmentFn } from '../augment/index.js';
import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { labelsToTensor, type Normalization } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import { type CaptureStatus, stepCapture } from '../engine/backend.js';
import type { Collectives } from '../engine/distributed.js';
import { makeRng, rankSeed, seedEverything, shuffledIndices } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { medmnistAcc, medmnistAuc } from '../metrics/evaluator.js';
import { applyForTraining } from '../models/graph.js';
import { anyRankStops, collective, perRankBatch, predictSharded, shardOf } from './distributed.js';
import { crossEntropy } from './loss.js';
import { Optimizers } from './optimizer.js';
import {
  balancedOrder,
  classWeights,
  learningRateAt,
  positiveWeights,
  TUTORIAL_RECIPE,
  type TrainingRecipe,
} from './recipe.js';
import { normalisedImages, predictSplit, type InputFn } from './predict.js';

/** One row of the learning curve. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  valAuc: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainOptions {
  model: tfl.LayersModel;
  task: Task;
  train: SplitData;
  val: SplitData;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  normalization: Normalization;
  augment?: AugmentFn;
  /** Builds a batch's network input (default: the images, normalised); cached backbone features come in here. */
  inputOf?: InputFn;
  /** Weights trained at their own learning rate, e.g. a fine-tuned backbone slower than its new head. */
  slowWeights?: { names: Set<string>; learningRate: number };
  /** Optimizer, schedule, selection, imbalance handling (default: the tutorial's Adam at a constant rate). */
  recipe?: TrainingRecipe;
  /** Called after every batch: samples done this epoch, running mean loss, samples/s. */
  onBatch?: (epoch: number, done: number, loss: number, samplesPerSecond: number) => void;
  /** Called after every epoch; `improved` says the model is the best so far by the recipe's selection rule. */
  onEpoch?: (record: EpochRecord, improved: boolean) => Promise<void> | void;
  /** Checked after every batch; when true, training stops at once (the current epoch is not counted). */
  shouldStop?: () => boolean;
  /** Capture the training step and replay it natively (libtorch; default true). */
  capture?: boolean;
  /** Hears once whether the training step was captured for native replay (libtorch), or why not. */
  onCapture?: (status: CaptureStatus) => void;
  /**
   * Data-parallel training with other processes: rank 0's initial weights go to every rank, each rank trains
   * on its shard of every epoch (`batchSize` is the total over the ranks), gradients are averaged before every
   * step, and validation is sharded and gathered. BatchNorm statistics stay per rank (as DistributedDataParallel's).
   */
  group?: Collectives;
}

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  /** Stopped on request (Ctrl-C, SIGTERM). */
  stopped: boolean;
  /** Stopped early: the selection metric had not improved for `patience` epochs. */
  earlyStopped: boolean;
}

/**
 * Trains with cross-entropy, evaluates on validation after each epoch and reports which epoch is best by the
 * recipe's selection rule (by default validation AUC, as MedMNIST selects models). The same seed gives the same run.
 */
export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { model, task, train, val } = opts;
  const recipe = opts.recipe ?? TUTORIAL_RECIPE;
  const rng = makeRng(opts.seed);
  const { group } = opts;
  const world = group?.worldSize ?? 1;
  const batchSize = perRankBatch(opts.batchSize, world);
  // Every rank shuffles with the same seed (the same order); augmentation differs per rank, as each sees other images.
  const augmentRng = group && group.rank > 0 ? makeRng(rankSeed(opts.seed, group.rank)) : rng;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // A fine-tuned backbone gets an optimizer of its own (same kind, lower rate), so pretrained weights move gently.
  const optimizers = new Optimizers(recipe, vars, opts.learningRate, opts.slowWeights);
  const inputOf: InputFn = opts.inputOf ?? normalisedImages(train, opts.normalization, batchSize);
  const multiLabel = isMultiLabel(task);
  const numClasses = model.outputs[0].shape[1] as number;
  const lossOptions =
    recipe.classWeight === 'none' && recipe.labelSmoothing === 0
      ? undefined
      : {
          labelSmoothing: recipe.labelSmoothing,
          classWeights:
            recipe.classWeight === 'none'
              ? undefined
              : multiLabel
                ? positiveWeights(train.labels, train.labelWidth)
                : classWeights(train.labels, numClasses, recipe.classWeight),
        };
  const stepsPerEpoch = Math.ceil(Math.ceil(train.count / world) / batchSize);
  const scheduled = recipe.schedule !== 'constant' || recipe.warmup > 0;
  const history: EpochRecord[] = [];
  let best = Number.NaN;
  let bestEpoch = 0;
  let step = 0;
  let rateFactor = 1;
  // A data-parallel step is never captured: the gradients' allreduce sits between the gradients and the update.
  const captured = group || opts.capture === false ? null : stepCapture(opts.onCapture);
  try {
    // Every rank starts from rank 0's weights (BatchNorm's statistics included), and from here draws its own
    // dropout masks.
    if (group) {
      await collective(group, () =>
        group.broadcast(
          model.weights.map((w) => w.read()),
          0,
        ),
      );
      if (group.rank > 0) seedEverything(rankSeed(opts.seed, group.rank));
    }
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const fullOrder =
        recipe.sampler === 'balanced'
          ? balancedOrder(train.labels, numClasses, rng)
          : shuffledIndices(train.count, rng);
      const order = group ? shardOf(fullOrder, group.rank, world) : fullOrder;
      const start = performance.now();
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < order.length; b += batchSize) {
        const idx = order.subarray(b, Math.min(order.length, b + batchSize));
        if (scheduled) {
          rateFactor = learningRateAt(recipe, 1, step, stepsPerEpoch, opts.epochs);
          optimizers.setRateFactor(rateFactor);
        }
        step++;
        // Inside the caller's tidy: the batch, and the loss as a function of the weights.
        const batchOf = (): { inputs: tf.Tensor[]; lossOf: () => tf.Scalar } => {
          let x = inputOf(train, idx) as tf.Tensor4D;
          if (opts.augment) x = opts.augment(x, augmentRng);
          const y = labelsToTensor(train, idx, multiLabel);
          return {
            inputs: [x, y],
            // model.apply, freeing each intermediate after its last reader (models/graph.ts).
            lossOf: () => crossEntropy(task, applyForTraining(model, [x])[0], y, lossOptions),
          };
        };
        let batchLoss: number;
        let stopAll = false;
        if (!group) {
          const loss = tf.tidy(() => {
            const { inputs, lossOf } = batchOf();
            const plainStep = () => optimizers.step(lossOf);
            // The batch (augmented) is made outside the step, so a captured step replays on it unchanged.
            return captured ? captured.step(inputs, rateFactor, plainStep) : plainStep();
          });
          batchLoss = loss.dataSync()[0];
          loss.dispose();
        } else {
          // The loss, a stop flag and the gradients averaged in one bucketed call: every rank then takes the
          // same step, and stops at the same batch when any rank was asked to.
          const { value, grads } = tf.tidy(() => optimizers.gradients(batchOf().lossOf));
          const stop = tf.scalar(opts.shouldStop?.() ? 1 : 0);
          try {
            await collective(group, () => group.allreduce([value, stop, ...grads], 'avg'));
            tf.tidy(() => optimizers.apply(grads));
            batchLoss = value.dataSync()[0];
            stopAll = stop.dataSync()[0] > 0;
          } finally {
            tf.dispose([value, stop, ...grads]);
          }
        }
        // A diverged model must stop here: its NaN weights would otherwise be evaluated and saved as "best".
        if (!Number.isFinite(batchLoss))
          throw new MedcnnError(
            `Training diverged: the loss became ${batchLoss} in epoch ${epoch}, batch ${b / batchSize + 1} of ${stepsPerEpoch}. Lower the learning rate (--lr ${opts.learningRate}) and train again; nothing was saved from this epoch.`,
            `学習が発散しました: エポック ${epoch} のバッチ ${b / batchSize + 1}/${stepsPerEpoch} で損失が ${batchLoss} になりました。学習率（--lr ${opts.learningRate}）を下げて学習し直してください。このエポックの結果は何も保存していません。`,
          );
        // Counted over all ranks (the padding of the last shard aside).
        lossSum += batchLoss * idx.length * world;
        seen = Math.min(train.count, seen + idx.length * world);
        const secs = (performance.now() - start) / 1000;
        opts.onBatch?.(epoch, seen, lossSum / seen, seen / secs);
        // Let the event loop run between batches: Ctrl-C (SIGINT) is delivered only there.
        await new Promise((resolve) => setImmediate(resolve));
        if (group ? stopAll : opts.shouldStop?.()) return { history, bestEpoch, stopped: true, earlyStopped: false };
      }
      const seconds = (performance.now() - start) / 1000;
      const input = opts.inputOf ?? opts.normalization;
      // Rank 0's BatchNorm statistics go to every rank (as DDP's broadcast_buffers): the sharded validation
      // then measures the model rank 0 saves. Training normalises by each rank's own batch either way.
      const buffers = model.nonTrainableWeights.map((w) => w.read());
      if (group && buffers.length > 0) await collective(group, () => group.broadcast(buffers, 0));
      const { predictions, loss: valLoss } = group
        ? await predictSharded(group, model, val, task, input)
        : predictSplit(model, val, task, input);
      if (!Number.isFinite(valLoss) || !predictions.yScore.every(Number.isFinite))
        throw new MedcnnError(
          `Training diverged: the model's validation outputs are not finite after epoch ${epoch}. Lower the learning rate (--lr ${opts.learningRate}) and train again.`,
          `学習が発散しました: エポック ${epoch} の後、検証データに対するモデルの出力が有限の値ではありません。学習率（--lr ${opts.learningRate}）を下げて学習し直してください。`,
        );
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / seen,
        valLoss,
        valAcc: medmnistAcc(task, predictions),
        valAuc: medmnistAuc(task, predictions),
        seconds,
        samplesPerSecond: seen / seconds,
      };
      history.push(record);
      const score = recipe.select === 'val-loss' ? -record.valLoss : recipe.select === 'last' ? epoch : record.valAuc;
      // The first epoch is kept even when its score is NaN (a validation split of one class has no AUC).
      const improved = bestEpoch === 0 || score > best || (Number.isNaN(best) && !Number.isNaN(score));
      if (improved) {
        best = score;
        bestEpoch = epoch;
      }
      await opts.onEpoch?.(record, improved);
      const stop = group ? await anyRankStops(group, opts.shouldStop?.() ?? false) : opts.shouldStop?.();
      if (stop) return { history, bestEpoch, stopped: true, earlyStopped: false };
      if (recipe.patience > 0 && epoch - bestEpoch >= recipe.patience && epoch < opts.epochs)
        return { history, bestEpoch, stopped: false, earlyStopped: true };
    }
    return { history, bestEpoch, stopped: false, earlyStopped: false };
  } finally {
    captured?.dispose();
    optimizers.dispose();
  }
}
