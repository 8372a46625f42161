import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor, type Normalization, range } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import type { FrozenPart } from '../models/index.js';
import type { InputFn } from './predict.js';

/** The trainable rest of a model fed with its frozen part's outputs, computed once per image. */
export interface CachedFeatures {
  /** What the trainer trains: the part after the frozen cut. */
  trainModel: tfl.LayersModel;
  /** A batch's input to `trainModel`: rows of the cached outputs. */
  inputOf: InputFn;
  /** The cut layer and the cached output's shape, for the log. */
  layer: string;
  dims: number[];
  seconds: number;
  dispose(): void;
}

/**
 * Runs the frozen part over every image of the splits once and keeps its outputs, so that each epoch only
 * runs the part that trains (head epochs on frozen MobileNet features take seconds instead of minutes).
 */
export function cacheFrozenFeatures(part: FrozenPart, splits: SplitData[], norm: Normalization): CachedFeatures {
  const start = performance.now();
  const features = new Map<SplitData, tf.Tensor>();
  for (const split of splits) features.set(split, computeOutputs(part.prefix, split, norm));
  return {
    trainModel: part.rest,
    inputOf: (data, idx) => {
      const all = features.get(data);
      if (!all) throw new Error('no cached features for this split');
      return tf.gather(all, tf.tensor1d(idx, 'int32'));
    },
    layer: part.layer,
    dims: part.prefix.outputs[0].shape.slice(1) as number[],
    seconds: (performance.now() - start) / 1000,
    dispose: () => tf.dispose([...features.values()]),
  };
}

/** Outputs of a model (e.g. a frozen prefix) over a whole split, computed once in inference mode. */
export function computeOutputs(
  model: tfl.LayersModel,
  data: SplitData,
  norm: Normalization,
  batchSize = 64,
): tf.Tensor {
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < data.count; start += batchSize) {
    const idx = range(start, Math.min(data.count, start + batchSize));
    parts.push(tf.tidy(() => model.apply(imagesToTensor(data, idx, norm), { training: false }) as tf.Tensor));
  }
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  return all;
}
