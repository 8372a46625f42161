import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Normalization } from '../data/batch.js';
import type { SplitData } from '../data/load.js';
import { MedcnnError } from '../errors.js';
import { t, type Lang } from '../i18n/messages.js';
import { loadBackbone } from './load.js';
import { buildTransferModel, computeOutputs, freezeBackbone, frozenCut, type FreezePlan } from './model.js';
import { findBackbone } from './backbones.js';

/** What `medcnn train --pretrained …` asks for. */
export interface TransferOptions {
  /** A folder, a model.json path, an http(s) URL or a known backbone name. */
  pretrained: string;
  /** The backbone's working input side (default: the registry's, else the size it was saved at). */
  inputSize?: number;
  freeze: FreezePlan;
  /** Learning rate of the trained part of the backbone (default: the head's / 10). */
  backboneLearningRate?: number;
}

/** How a transfer run was built, saved in config.json so that evaluate, predict and explain reuse it. */
export interface TransferRecord {
  backbone: string;
  source: string;
  inputSize: number;
  preprocessing: string;
  adaptation: { from: [number, number, number]; resizeTo: number; grayToRgb: boolean };
  freeze: string;
  trainableBackboneLayers: number;
  backboneLayers: number;
  backboneLearningRate: number | null;
  /** What was computed once and cached: the pooled backbone features, a frozen layer's output, or nothing. */
  featuresCached: string | null;
}

/** A transfer model ready for the trainer: what to train, on which inputs, at which learning rates. */
export interface TransferSetup {
  /** The whole model (what is saved). */
  model: tfl.LayersModel;
  /** What the trainer trains: the head alone on cached features, or the whole model. */
  trainModel: tfl.LayersModel;
  normalization: Normalization;
  inputOf?: (data: SplitData, indices: Int32Array) => tf.Tensor;
  slowWeights?: { names: Set<string>; learningRate: number };
  record: TransferRecord;
  /** Frees the cached features. */
  dispose(): void;
}

/** The model name a transfer run is recorded under, e.g. transfer:mobilenet_v2_0.35. */
export function transferModelName(backbone: string): string {
  return `transfer:${backbone}`;
}

/**
 * Loads the backbone, puts the new head on it, freezes as asked and, when the whole backbone is frozen,
 * computes its features of the training and validation images once so that head epochs take seconds.
 */
export async function setupTransfer(
  opts: TransferOptions,
  inputShape: [number, number, number],
  numClasses: number,
  splits: SplitData[],
  learningRate: number,
  log: (line: string) => void,
  lang: Lang,
  opts2: { cache: boolean } = { cache: true },
): Promise<TransferSetup> {
  const inputSize = opts.inputSize ?? findBackbone(opts.pretrained)?.defaultInputSize;
  const backbone = await loadBackbone(opts.pretrained, inputSize);
  const tm = buildTransferModel(backbone, inputShape, numClasses);
  const { trainable, frozen } = freezeBackbone(tm, opts.freeze);
  // Augmented images differ every epoch, so with augmentation nothing is cached and the frozen part runs each batch.
  const headOnly = opts.freeze.mode === 'all';
  const cached = headOnly && opts2.cache;
  const cut = headOnly || frozen.length === 0 || !opts2.cache ? null : frozenCut(tm, frozen);
  const backboneLearningRate = headOnly ? null : (opts.backboneLearningRate ?? learningRate / 10);
  if (backboneLearningRate !== null && !(backboneLearningRate > 0))
    throw new MedcnnError(`--backbone-lr must be greater than 0, got ${backboneLearningRate}.`);
  const freeze =
    opts.freeze.mode === 'all'
      ? 'all'
      : opts.freeze.mode === 'none'
        ? 'none'
        : opts.freeze.mode === 'blocks'
          ? `all but the deepest ${opts.freeze.blocks} block(s)`
          : `up to and including ${opts.freeze.layer}`;
  const record: TransferRecord = {
    backbone: backbone.name,
    source: backbone.source,
    inputSize: backbone.inputSize,
    preprocessing: `x = (v/255 − ${backbone.normalization.mean}) / ${backbone.normalization.std}`,
    adaptation: tm.adaptation,
    freeze,
    trainableBackboneLayers: trainable.length,
    backboneLayers: tm.backboneLayers.length,
    backboneLearningRate,
    featuresCached: cached ? 'pooled backbone features' : cut ? `output of ${cut.layer}` : null,
  };
  log(
    t(lang, 'transferBackbone', {
      name: backbone.name,
      source: backbone.source,
      size: backbone.inputSize,
      frozen: headOnly
        ? t(lang, cached ? 'transferFrozenAll' : 'transferFrozenAllNoCache')
        : t(lang, 'transferFinetune', {
            trainable: trainable.length,
            total: tm.backboneLayers.length,
            lr: backboneLearningRate!,
          }),
    }),
  );
  const slowWeights = headOnly
    ? undefined
    : {
        names: new Set(trainable.flatMap((l) => l.trainableWeights.map((w) => (w.read() as tf.Variable).name))),
        learningRate: backboneLearningRate!,
      };
  if (!cached && !cut) {
    // Augmenting, fine-tuning from inside a residual block, or everything: the whole model runs every batch.
    return {
      model: tm.model,
      trainModel: tm.model,
      normalization: tm.normalization,
      slowWeights,
      record,
      dispose: () => {},
    };
  }
  // The frozen part sees each image once: its output is cached and only the rest is trained.
  const frozenPart = cut ? cut.prefix : tm.featureModel;
  const trainModel = cut ? cut.suffix : tm.headModel;
  const start = performance.now();
  const features = new Map<SplitData, tf.Tensor>();
  for (const split of splits) features.set(split, computeOutputs(frozenPart, split, tm.normalization));
  const total = splits.reduce((n, s) => n + s.count, 0);
  log(
    t(lang, 'transferFeatures', {
      n: total,
      secs: ((performance.now() - start) / 1000).toFixed(1),
      dims: (frozenPart.outputs[0].shape.slice(1) as number[]).join('×'),
      layer: cut ? cut.layer : 'head_pool',
    }),
  );
  return {
    model: tm.model,
    trainModel,
    normalization: tm.normalization,
    record,
    slowWeights,
    inputOf: (data, idx) => {
      const all = features.get(data);
      if (!all) throw new Error('no cached features for this split');
      return tf.gather(all, tf.tensor1d(idx, 'int32'));
    },
    dispose: () => tf.dispose([...features.values()]),
  };
}
