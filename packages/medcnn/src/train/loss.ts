import * as tf from '@tensorflow/tfjs-core';
import { isMultiLabel, type Task } from '../data/dataset-info.js';

/** Mean cross-entropy of logits: softmax over classes, or a sigmoid per label for multi-label tasks. */
export function crossEntropy(
  task: Task,
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: { classWeights?: number[]; labelSmoothing?: number } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const smoothing = opts.labelSmoothing ?? 0;
    if (isMultiLabel(task)) {
      if (!opts.classWeights) return tf.losses.sigmoidCrossEntropy(labels, logits, undefined, smoothing) as tf.Scalar;
      // Per label: positives weighted by the label's weight, as a class weight of "present".
      const w = tf.add(tf.mul(labels, tf.sub(tf.tensor1d(opts.classWeights), 1)), 1);
      return weightedMean(tf.losses.sigmoidCrossEntropy(labels, logits, undefined, smoothing, NONE), w);
    }
    const onehot = tf.oneHot(labels as tf.Tensor1D, logits.shape[1] as number);
    if (!opts.classWeights) return tf.losses.softmaxCrossEntropy(onehot, logits, undefined, smoothing) as tf.Scalar;
    const w = tf.gather(tf.tensor1d(opts.classWeights), tf.cast(labels, 'int32'));
    return weightedMean(tf.losses.softmaxCrossEntropy(onehot, logits, undefined, smoothing, NONE), w);
  });
}

const NONE = tf.Reduction.NONE;

// Σ w·loss / Σ w, as torch's weighted cross-entropy averages (tfjs' default divides by the count instead).
function weightedMean(losses: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(losses, weights)), tf.maximum(tf.sum(weights), 1e-12)) as tf.Scalar;
}

/** Probabilities from logits, as MedMNIST's evaluation applies them; a run's fitted temperature divides the logits first. */
export function probabilities(task: Task, logits: tf.Tensor, temperature = 1): tf.Tensor {
  return tf.tidy(() => {
    const z = temperature === 1 ? logits : tf.div(logits, temperature);
    return isMultiLabel(task) ? tf.sigmoid(z) : tf.softmax(z);
  });
}
