import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { imagesToTensor, labelsToTensor, range, type Normalization } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import { writesAreCopied } from '../engine/backend.js';
import type { Predictions } from '../metrics/evaluator.js';
import { crossEntropy, probabilities } from './loss.js';

/** Builds a batch's network input from a split (cached backbone features, for example). */
export type InputFn = (data: SplitData, indices: Int32Array) => tf.Tensor;

/**
 * The split's images normalised with `norm`, in batches of up to `batchSize`: staged in one buffer where the engine
 * copies what a tensor is made from (engine/backend.ts writesAreCopied says why), else a fresh array a batch.
 */
export function normalisedImages(data: SplitData, norm: Normalization, batchSize: number): InputFn {
  const staging = writesAreCopied()
    ? new Float32Array(batchSize * data.height * data.width * data.channels)
    : undefined;
  return (d, idx) => imagesToTensor(d, idx, norm, staging);
}

/**
 * Runs a model over a whole split, or its images [from, to) (inference mode): probabilities and the mean
 * loss. The input is the split's images normalised with `input`, or whatever `input` builds when it is a function.
 */
export function predictSplit(
  model: tfl.LayersModel,
  data: SplitData,
  task: Task,
  input: Normalization | InputFn,
  batchSize = 256,
  part: { from: number; to: number } = { from: 0, to: data.count },
): { predictions: Predictions; loss: number } {
  const inputOf: InputFn = typeof input === 'function' ? input : normalisedImages(data, input, batchSize);
  const numClasses = model.outputs[0].shape[1] as number;
  const { from, to } = part;
  const yScore = new Float32Array((to - from) * numClasses);
  let lossSum = 0;
  for (let start = from; start < to; start += batchSize) {
    const idx = range(start, Math.min(to, start + batchSize));
    const [probs, loss] = tf.tidy(() => {
      const x = inputOf(data, idx);
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      const y = labelsToTensor(data, idx, isMultiLabel(task));
      return [probabilities(task, logits), crossEntropy(task, logits, y)];
    });
    yScore.set(probs.dataSync() as Float32Array, (start - from) * numClasses);
    lossSum += loss.dataSync()[0] * idx.length;
    tf.dispose([probs, loss]);
  }
  return {
    predictions: {
      yTrue: data.labels.subarray(from * data.labelWidth, to * data.labelWidth),
      labelWidth: data.labelWidth,
      yScore,
      numClasses,
    },
    loss: lossSum / Math.max(1, to - from),
  };
}
