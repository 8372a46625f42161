import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AugmentFn } from '../augment/index.js';
import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { imagesToTensor, labelsToTensor, type Normalization } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import { type CaptureStatus, stepCapture } from '../engine/backend.js';
import { makeRng, shuffledIndices } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { medmnistAcc, medmnistAuc } from '../metrics/evaluator.js';
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
import { predictSplit, type InputFn } from './predict.js';

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
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // A fine-tuned backbone gets an optimizer of its own (same kind, lower rate), so pretrained weights move gently.
  const optimizers = new Optimizers(recipe, vars, opts.learningRate, opts.slowWeights);
  const inputOf: InputFn = opts.inputOf ?? ((data, idx) => imagesToTensor(data, idx, opts.normalization));
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
  const stepsPerEpoch = Math.ceil(train.count / opts.batchSize);
  const scheduled = recipe.schedule !== 'constant' || recipe.warmup > 0;
  const history: EpochRecord[] = [];
  let best = Number.NaN;
  let bestEpoch = 0;
  let step = 0;
  let rateFactor = 1;
  const captured = opts.capture === false ? null : stepCapture(opts.onCapture);
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const order =
        recipe.sampler === 'balanced'
          ? balancedOrder(train.labels, numClasses, rng)
          : shuffledIndices(train.count, rng);
      const start = performance.now();
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < train.count; b += opts.batchSize) {
        const idx = order.subarray(b, Math.min(train.count, b + opts.batchSize));
        if (scheduled) {
          rateFactor = learningRateAt(recipe, 1, step, stepsPerEpoch, opts.epochs);
          optimizers.setRateFactor(rateFactor);
        }
        step++;
        const loss = tf.tidy(() => {
          let x = inputOf(train, idx) as tf.Tensor4D;
          if (opts.augment) x = opts.augment(x, rng);
          const y = labelsToTensor(train, idx, multiLabel);
          const plainStep = () =>
            optimizers.step(() => crossEntropy(task, model.apply(x, { training: true }) as tf.Tensor, y, lossOptions));
          // The batch (augmented) is made outside the step, so a captured step replays on it unchanged.
          return captured ? captured.step([x, y], rateFactor, plainStep) : plainStep();
        });
        const batchLoss = loss.dataSync()[0];
        loss.dispose();
        // A diverged model must stop here: its NaN weights would otherwise be evaluated and saved as "best".
        if (!Number.isFinite(batchLoss))
          throw new MedcnnError(
            `Training diverged: the loss became ${batchLoss} in epoch ${epoch}, batch ${b / opts.batchSize + 1} of ${Math.ceil(train.count / opts.batchSize)}. Lower the learning rate (--lr ${opts.learningRate}) and train again; nothing was saved from this epoch.`,
            `学習が発散しました: エポック ${epoch} のバッチ ${b / opts.batchSize + 1}/${Math.ceil(train.count / opts.batchSize)} で損失が ${batchLoss} になりました。学習率（--lr ${opts.learningRate}）を下げて学習し直してください。このエポックの結果は何も保存していません。`,
          );
        lossSum += batchLoss * idx.length;
        seen += idx.length;
        const secs = (performance.now() - start) / 1000;
        opts.onBatch?.(epoch, seen, lossSum / seen, seen / secs);
        // Let the event loop run between batches: Ctrl-C (SIGINT) is delivered only there.
        await new Promise((resolve) => setImmediate(resolve));
        if (opts.shouldStop?.()) return { history, bestEpoch, stopped: true, earlyStopped: false };
      }
      const seconds = (performance.now() - start) / 1000;
      const { predictions, loss: valLoss } = predictSplit(model, val, task, opts.inputOf ?? opts.normalization);
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
      if (opts.shouldStop?.()) return { history, bestEpoch, stopped: true, earlyStopped: false };
      if (recipe.patience > 0 && epoch - bestEpoch >= recipe.patience && epoch < opts.epochs)
        return { history, bestEpoch, stopped: false, earlyStopped: true };
    }
    return { history, bestEpoch, stopped: false, earlyStopped: false };
  } finally {
    captured?.dispose();
    optimizers.dispose();
  }
}
