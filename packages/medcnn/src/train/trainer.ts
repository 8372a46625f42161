import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AugmentFn } from '../augment/index.js';
import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { imagesToTensor, labelsToTensor, type Normalization } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import { makeRng, shuffledIndices } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { medmnistAcc, medmnistAuc } from '../metrics/evaluator.js';
import { crossEntropy } from './loss.js';
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
  /** Called after every batch: samples done this epoch, running mean loss, samples/s. */
  onBatch?: (epoch: number, done: number, loss: number, samplesPerSecond: number) => void;
  /** Called after every epoch; `improved` says the model is the best on validation AUC so far. */
  onEpoch?: (record: EpochRecord, improved: boolean) => Promise<void> | void;
  /** Checked after every batch; when true, training stops at once (the current epoch is not counted). */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  stopped: boolean;
}

/**
 * Trains with Adam and cross-entropy, evaluates on validation after each epoch and reports which epoch
 * is best by validation AUC (as MedMNIST selects models). The same seed gives the same run.
 */
export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { model, task, train, val } = opts;
  const rng = makeRng(opts.seed);
  const optimizer = tf.train.adam(opts.learningRate, 0.9, 0.999, 1e-8);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // A second Adam for the slow group (same moments, lower step), so the pretrained weights move gently.
  const slowVars = opts.slowWeights ? vars.filter((v) => opts.slowWeights!.names.has(v.name)) : [];
  const slowOptimizer = slowVars.length > 0 ? tf.train.adam(opts.slowWeights!.learningRate, 0.9, 0.999, 1e-8) : null;
  const inputOf: InputFn = opts.inputOf ?? ((data, idx) => imagesToTensor(data, idx, opts.normalization));
  const multiLabel = isMultiLabel(task);
  const history: EpochRecord[] = [];
  let bestAuc = -Infinity;
  let bestEpoch = 0;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const order = shuffledIndices(train.count, rng);
      const start = performance.now();
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < train.count; b += opts.batchSize) {
        const idx = order.subarray(b, Math.min(train.count, b + opts.batchSize));
        const loss = tf.tidy(() => {
          let x = inputOf(train, idx) as tf.Tensor4D;
          if (opts.augment) x = opts.augment(x, rng);
          const y = labelsToTensor(train, idx, multiLabel);
          const lossOf = (): tf.Scalar => crossEntropy(task, model.apply(x, { training: true }) as tf.Tensor, y);
          if (!slowOptimizer) return optimizer.minimize(lossOf, true, vars)!;
          const { value, grads } = tf.variableGrads(lossOf, vars);
          const pick = (group: tf.Variable[]): { name: string; tensor: tf.Tensor }[] =>
            group.map((v) => ({ name: v.name, tensor: grads[v.name] }));
          optimizer.applyGradients(pick(vars.filter((v) => !slowVars.includes(v))));
          slowOptimizer.applyGradients(pick(slowVars));
          return value;
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
        if (opts.shouldStop?.()) return { history, bestEpoch, stopped: true };
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
      const improved = record.valAuc > bestAuc || (bestEpoch === 0 && Number.isNaN(record.valAuc));
      if (improved) {
        bestAuc = record.valAuc;
        bestEpoch = epoch;
      }
      await opts.onEpoch?.(record, improved);
      if (opts.shouldStop?.()) return { history, bestEpoch, stopped: true };
    }
    return { history, bestEpoch, stopped: false };
  } finally {
    optimizer.dispose();
    slowOptimizer?.dispose();
  }
}
