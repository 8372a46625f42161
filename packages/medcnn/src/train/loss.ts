import * as tf from '@tensorflow/tfjs-core';
import { isMultiLabel, type Task } from '../data/dataset-info.js';

/** Mean cross-entropy of logits: softmax over classes, or a sigmoid per label for multi-label tasks. */
export function crossEntropy(task: Task, logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (isMultiLabel(task)) return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
    const onehot = tf.oneHot(labels as tf.Tensor1D, logits.shape[1] as number);
    return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  });
}

/** Probabilities from logits, as MedMNIST's evaluation applies them. */
export function probabilities(task: Task, logits: tf.Tensor): tf.Tensor {
  return isMultiLabel(task) ? tf.sigmoid(logits) : tf.softmax(logits);
}
