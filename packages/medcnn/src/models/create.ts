import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MINUS_ONE_TO_ONE, type Normalization } from '../data/batch.js';
import { MedcnnError } from '../errors.js';
import type { ChannelNormalization } from './onnx/backbone.js';
import { findBackbone } from './pretrained/backbones.js';
import { loadBackbone } from './pretrained/load.js';
import { buildTransferModel, type FreezePlan, freezeBackbone, frozenCut } from './pretrained/transfer-model.js';
import { getModelEntry } from './registry.js';

/** What to train: a registry architecture from scratch, or a pretrained backbone with a new head. */
export type TrainableSpec =
  | { architecture: string }
  | {
      /** A folder, a model.json path, an http(s) URL or a known backbone name. */
      pretrained: string;
      /** The backbone's working input side (default: the registry's, else the size it was saved at). */
      inputSize?: number;
      freeze: FreezePlan;
      /** Learning rate of the trained part of the backbone (default: the head's / 10). */
      backboneLearningRate?: number;
      /** An ONNX backbone's preprocessing (--mean/--std; else its sidecar JSON). */
      preprocessing?: ChannelNormalization;
    };

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

/** The frozen front of a network, which training may run once per image and cache. */
export interface FrozenPart {
  /** image → the output of the last frozen layer (`layer`). */
  prefix: tfl.LayersModel;
  /** that output → logits: the part that trains. */
  rest: tfl.LayersModel;
  layer: string;
}

/** A model ready to train, with everything the run needs to know about it. */
export interface TrainableModel {
  /** How runs name it: `simplecnn`, `transfer:mobilenet_v2_0.35`. */
  name: string;
  /** The whole model: what is trained (or what its trained part belongs to) and what is saved. */
  model: tfl.LayersModel;
  /** Its preprocessing: x = (v/255 − mean) / std. */
  normalization: Normalization;
  /** Weights trained at a learning rate of their own (a fine-tuned backbone below its new head). */
  slowWeights?: { names: Set<string>; learningRate: number };
  /**
   * Cuts the network after its frozen layers, for training to cache what they compute (null: nothing is
   * frozen, or no single tensor crosses the cut). Called only when caching: the cut adds graph nodes.
   */
  cutFrozen(): FrozenPart | null;
  /** Transfer models: how it was built, for config.json. */
  transfer?: TransferRecord;
  dispose(): void;
}

/** The model name a transfer run is recorded under, e.g. transfer:mobilenet_v2_0.35. */
export function transferModelName(backbone: string): string {
  return `transfer:${backbone}`;
}

/**
 * The one factory for every trainable model (as timm's create_model): a registry architecture, or a pretrained
 * backbone loaded, given a new head for `numClasses` classes and frozen as planned.
 */
export async function createTrainable(
  spec: TrainableSpec,
  opts: { inputShape: [number, number, number]; numClasses: number; learningRate: number },
): Promise<TrainableModel> {
  if ('architecture' in spec) {
    const entry = getModelEntry(spec.architecture);
    const model = entry.create({ inputShape: opts.inputShape, numClasses: opts.numClasses });
    return {
      name: entry.name,
      model,
      normalization: MINUS_ONE_TO_ONE,
      cutFrozen: () => null,
      dispose: () => model.dispose(),
    };
  }
  const inputSize = spec.inputSize ?? findBackbone(spec.pretrained)?.defaultInputSize;
  const backbone = await loadBackbone(spec.pretrained, inputSize, spec.preprocessing);
  const tm = buildTransferModel(backbone, opts.inputShape, opts.numClasses);
  const { trainable, frozen } = freezeBackbone(tm, spec.freeze);
  const headOnly = spec.freeze.mode === 'all';
  const backboneLearningRate = headOnly ? null : (spec.backboneLearningRate ?? opts.learningRate / 10);
  if (backboneLearningRate !== null && !(backboneLearningRate > 0))
    throw new MedcnnError(
      `--backbone-lr must be greater than 0, got ${backboneLearningRate}.`,
      `--backbone-lr は 0 より大きくしてください（指定値: ${backboneLearningRate}）。`,
    );
  const cutFrozen = (): FrozenPart | null =>
    headOnly
      ? { prefix: tm.featureModel, rest: tm.headModel, layer: 'head_pool' }
      : frozen.length === 0
        ? null
        : toFrozenPart(frozenCut(tm, frozen));
  const f = spec.freeze;
  const freeze =
    f.mode === 'all'
      ? 'all'
      : f.mode === 'none'
        ? 'none'
        : f.mode === 'blocks'
          ? `all but the deepest ${f.blocks} block(s)`
          : `up to and including ${f.layer}`;
  return {
    name: transferModelName(backbone.name),
    model: tm.model,
    normalization: tm.normalization,
    slowWeights:
      backboneLearningRate === null
        ? undefined
        : {
            names: new Set(trainable.flatMap((l) => l.trainableWeights.map((w) => (w.read() as tf.Variable).name))),
            learningRate: backboneLearningRate,
          },
    cutFrozen,
    transfer: {
      backbone: backbone.name,
      source: backbone.source,
      inputSize: backbone.inputSize,
      preprocessing:
        backbone.preprocessing ?? `x = (v/255 − ${backbone.normalization.mean}) / ${backbone.normalization.std}`,
      adaptation: tm.adaptation,
      freeze,
      trainableBackboneLayers: trainable.length,
      backboneLayers: tm.backboneLayers.length,
      backboneLearningRate,
      featuresCached: null,
    },
    dispose: () => tm.model.dispose(),
  };
}

function toFrozenPart(
  cut: { layer: string; prefix: tfl.LayersModel; suffix: tfl.LayersModel } | null,
): FrozenPart | null {
  return cut && { prefix: cut.prefix, rest: cut.suffix, layer: cut.layer };
}
