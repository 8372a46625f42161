import * as tfl from '@tensorflow/tfjs-layers';
import '../resizing-fix.js';
import type { Normalization } from '../../data/batch.js';
import { MedcnnError } from '../../errors.js';
import { dropout as dropoutLayer } from '../dropout.js';
import { graphLayers, runGraph } from '../graph.js';
import type { LoadedBackbone } from './load.js';

type Layer = tfl.layers.Layer;

/** A pretrained backbone with a new head, as one model, and the two halves that training uses. */
export interface TransferModel {
  /** image → resize → gray to RGB → backbone → global average pooling → dropout → dense logits. */
  model: tfl.LayersModel;
  /** image → pooled backbone features (shares the model's layers). */
  featureModel: tfl.LayersModel;
  /** pooled features → logits (shares the model's head layers): what `--freeze all` trains on cached features. */
  headModel: tfl.LayersModel;
  /** The backbone's layers inside `model`, inputs first. */
  backboneLayers: Layer[];
  normalization: Normalization;
  /** How the dataset's images are adapted to the backbone, as recorded in config.json. */
  adaptation: { from: [number, number, number]; resizeTo: number; grayToRgb: boolean };
}

/**
 * Puts a new head on a pretrained backbone for `numClasses` classes. The input adaptation (resizing to the
 * backbone's working size, copying a gray channel to three) lives inside the model, so a saved run
 * evaluates and predicts from the dataset's own images with nothing else to remember but the normalisation.
 */
export function buildTransferModel(
  backbone: LoadedBackbone,
  inputShape: [number, number, number],
  numClasses: number,
  dropout = 0.2,
): TransferModel {
  const [h, w, c] = inputShape;
  if (c !== 1 && c !== backbone.channels)
    throw new MedcnnError(
      `The backbone takes ${backbone.channels} channels and the images have ${c}.`,
      `バックボーンの入力は ${backbone.channels} チャネルですが、画像は ${c} チャネルです。`,
    );
  const input = tfl.input({ shape: inputShape, name: 'image' });
  let x: tfl.SymbolicTensor = input;
  const size = backbone.inputSize;
  if (h !== size || w !== size)
    x = tfl.layers
      .resizing({ height: size, width: size, interpolation: 'bilinear', name: 'resize' })
      .apply(x) as tfl.SymbolicTensor;
  const grayToRgb = c === 1 && backbone.channels === 3;
  if (grayToRgb) x = tfl.layers.concatenate({ axis: -1, name: 'gray_to_rgb' }).apply([x, x, x]) as tfl.SymbolicTensor;
  // The backbone's layers are replayed onto the adapted input, so the whole network is one flat graph
  // (Grad-CAM and the feature-map panels can reach every backbone layer by name).
  const [features] = runGraph<tfl.SymbolicTensor>(backbone.model, [x]);
  const poolLayer = tfl.layers.globalAveragePooling2d({ name: 'head_pool' });
  const dropLayer = dropoutLayer({ rate: dropout, name: 'head_dropout' });
  const denseLayer = tfl.layers.dense({ units: numClasses, name: 'head_logits' });
  const pooled = poolLayer.apply(features) as tfl.SymbolicTensor;
  const logits = denseLayer.apply(dropLayer.apply(pooled)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits, name: `transfer_${backbone.name.replace(/[^\w]/g, '_')}` });
  const featureModel = tfl.model({ inputs: input, outputs: pooled, name: 'features' });
  const featIn = tfl.input({ shape: [pooled.shape[1] as number], name: 'features_in' });
  const headModel = tfl.model({
    inputs: featIn,
    outputs: denseLayer.apply(dropLayer.apply(featIn)) as tfl.SymbolicTensor,
    name: 'head',
  });
  const backboneNames = new Set(graphLayers(backbone.model).map((l) => l.name));
  return {
    model,
    featureModel,
    headModel,
    backboneLayers: graphLayers(model).filter((l) => backboneNames.has(l.name)),
    normalization: backbone.normalization,
    adaptation: { from: inputShape, resizeTo: size, grayToRgb },
  };
}

/** Which part of the backbone is trained: none of it, its deepest N blocks, everything after a layer, or all. */
export type FreezePlan =
  | { mode: 'all' }
  | { mode: 'blocks'; blocks: number }
  | { mode: 'until'; layer: string }
  | { mode: 'none' };

/**
 * The backbone's layers in blocks, inputs first: layers named `…block_N…` (or `…blockN…`) form block N,
 * and each run of other layers between them is a block of its own (MobileNetV2: stem + first block,
 * block_1 … block_16, then the final 1×1 convolution Conv_1).
 */
export function backboneBlocks(layers: Layer[]): Layer[][] {
  const blocks: Layer[][] = [];
  let key: string | null = null;
  for (const l of layers) {
    const k = /(^|_)(block_?\d+)(_|$)/i.exec(l.name)?.[2] ?? '~';
    if (k !== key || blocks.length === 0) blocks.push([]);
    blocks[blocks.length - 1].push(l);
    key = k;
  }
  return blocks;
}

/**
 * Freezes the backbone as planned and returns the layers left trainable. Frozen BatchNorm layers are kept
 * in inference mode even while the rest trains (as Keras does for non-trainable BatchNorm): their moving
 * statistics stay those learnt on ImageNet instead of drifting with small medical batches.
 */
export function freezeBackbone(tm: TransferModel, plan: FreezePlan): { trainable: Layer[]; frozen: Layer[] } {
  const layers = tm.backboneLayers;
  let cut: number;
  if (plan.mode === 'all') cut = layers.length;
  else if (plan.mode === 'none') cut = 0;
  else if (plan.mode === 'until') {
    const i = layers.findIndex((l) => l.name === plan.layer);
    if (i < 0) {
      const blocks = backboneBlocks(layers).map((b) => b[b.length - 1].name);
      throw new MedcnnError(
        `--freeze-until: the backbone has no layer '${plan.layer}'. Block ends: ${blocks.join(', ')}.`,
        `--freeze-until: バックボーンに層 '${plan.layer}' はありません。ブロックの末尾の層: ${blocks.join(', ')}。`,
      );
    }
    cut = i + 1;
  } else {
    const blocks = backboneBlocks(layers);
    if (!Number.isInteger(plan.blocks) || plan.blocks < 1 || plan.blocks > blocks.length) {
      throw new MedcnnError(
        `--finetune-blocks must be from 1 to ${blocks.length} (the backbone's blocks), got ${plan.blocks}.`,
        `--finetune-blocks は 1 から ${blocks.length}（バックボーンのブロック数）までにしてください（指定値: ${plan.blocks}）。`,
      );
    }
    cut = blocks.slice(0, blocks.length - plan.blocks).reduce((n, b) => n + b.length, 0);
  }
  const frozen = layers.slice(0, cut);
  for (const l of frozen) {
    l.trainable = false;
    if (l.getClassName() === 'BatchNormalization') keepInInferenceMode(l);
  }
  const trainable = layers.slice(cut);
  // Keras ships MobileNet's BatchNorm with momentum 0.999: its moving statistics would need thousands of steps
  // to follow the fine-tuned weights, and validation would run on stale ones. 0.9 (PyTorch's 0.1) follows within an epoch.
  for (const l of trainable)
    if (l.getClassName() === 'BatchNormalization') (l as unknown as { momentum: number }).momentum = 0.9;
  return { trainable, frozen };
}

function keepInInferenceMode(layer: Layer): void {
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
}

/** A model split where its frozen part ends: the frozen prefix (run once) and the trainable rest. */
export interface FrozenCut {
  /** The frozen layer whose output is the only tensor the trainable layers read from the frozen part. */
  layer: string;
  prefix: tfl.LayersModel;
  suffix: tfl.LayersModel;
}

/**
 * Cuts the model after its frozen layers when exactly one tensor crosses from them to the trainable ones
 * (true at block boundaries; not inside a residual block, whose shortcut is a second crossing). The frozen
 * prefix can then be computed once per image and cached, and fine-tuning only runs the trainable rest.
 */
export function frozenCut(tm: TransferModel, frozen: Layer[]): FrozenCut | null {
  const backbone = new Set(tm.backboneLayers);
  const frozenSet = new Set<Layer>([
    ...frozen,
    ...graphLayers(tm.model).filter((l) => !backbone.has(l) && !l.name.startsWith('head_')),
  ]);
  const crossing = new Map<number, tfl.SymbolicTensor>();
  const seen = new Set<number>();
  const visit = (s: tfl.SymbolicTensor): void => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    const layer = s.sourceLayer;
    const node = layer.inboundNodes[s.nodeIndex];
    for (const input of node.inputTensors) {
      if (!frozenSet.has(layer) && frozenSet.has(input.sourceLayer)) crossing.set(input.id, input);
      visit(input);
    }
  };
  tm.model.outputs.forEach(visit);
  if (crossing.size !== 1) return null;
  const [cut] = crossing.values();
  const prefix = tfl.model({ inputs: tm.model.inputs, outputs: cut, name: 'frozen_prefix' });
  const cutIn = tfl.input({ shape: cut.shape.slice(1) as number[], name: 'cached_features' });
  const outputs = runGraph<tfl.SymbolicTensor>(tm.model, [tm.model.inputs[0]], {
    replace: new Map([[cut.sourceLayer.name, cutIn]]),
  });
  return {
    layer: cut.sourceLayer.name,
    prefix,
    suffix: tfl.model({ inputs: cutIn, outputs, name: 'trainable_suffix' }),
  };
}
