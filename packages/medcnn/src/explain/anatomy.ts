import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';
import { graphLayers, isConvLayer, runGraph } from '../models/graph.js';

/** The kind of step a feature map comes from, as the tutorial's section 1 names them. */
export type StageKind = 'conv' | 'relu' | 'pool';

/** One stage's output for one image: the first `channels` maps, each height×width. */
export interface Stage {
  kind: StageKind;
  layer: string;
  /** The layer's class, e.g. MaxPooling2D or AveragePooling2D. */
  className: string;
  height: number;
  width: number;
  /** All channels the layer has. */
  totalChannels: number;
  maps: Float32Array[];
}

/** A block: a convolution and the activation and pooling after it (until the next convolution). */
export interface AnatomyBlock {
  index: number;
  stages: Stage[];
}

/** The first convolution's filters, each summed over its input channels (kh × kw). */
export interface FirstFilters {
  layer: string;
  height: number;
  width: number;
  inputChannels: number;
  total: number;
  filters: Float32Array[];
}

const ACTIVATIONS = /^(ReLU|Activation|LeakyReLU|ELU|PReLU|ThresholdedReLU|Softmax)$/;
const POOLS = /^(MaxPooling2D|AveragePooling2D)$/;

/** The learned first-layer filters of a model (up to `max`). */
export function firstLayerFilters(model: tfl.LayersModel, max = 32): FirstFilters {
  const conv = graphLayers(model).find(isConvLayer);
  if (!conv)
    throw new MedcnnError(
      `${model.name} has no convolution layer, so it has no filters to show.`,
      `${model.name} には畳み込み層がないため、表示するフィルタがありません。`,
    );
  const kernel = conv.getWeights()[0];
  const [kh, kw, cin, cout] = kernel.shape;
  const values = kernel.dataSync() as Float32Array;
  const depthwise = conv.getClassName() === 'DepthwiseConv2D';
  // A depthwise kernel is [kh, kw, channels, multiplier]: filter f reads input channel f only.
  const total = depthwise ? cin : cout;
  const shown = Math.min(max, total);
  const filters = Array.from({ length: shown }, (_, f) => {
    const out = new Float32Array(kh * kw);
    for (let p = 0; p < kh * kw; p++) {
      if (depthwise) out[p] = values[(p * cin + f) * cout];
      // A gray image copied to every input channel meets the filter summed over its input channels.
      else for (let c = 0; c < cin; c++) out[p] += values[(p * cin + c) * cout + f];
    }
    return out;
  });
  return { layer: conv.name, height: kh, width: kw, inputChannels: cin, total, filters };
}

/**
 * Runs one image (a [1, h, w, c] tensor) through the model in inference mode and returns, for the first
 * `maxBlocks` convolutional blocks, the feature maps after the convolution, after its activation and after
 * its pooling (the first `maxMaps` channels of each).
 */
export function featureMapBlocks(model: tfl.LayersModel, x: tf.Tensor4D, maxBlocks = 3, maxMaps = 16): AnatomyBlock[] {
  const layers = graphLayers(model);
  const blocks: { index: number; stages: { kind: StageKind; layer: tfl.layers.Layer }[] }[] = [];
  for (const layer of layers) {
    const cls = layer.getClassName();
    if (isConvLayer(layer)) {
      if (blocks.length === maxBlocks) break;
      blocks.push({ index: blocks.length + 1, stages: [{ kind: 'conv', layer }] });
      continue;
    }
    const current = blocks[blocks.length - 1];
    if (!current) continue;
    const kinds = current.stages.map((s) => s.kind);
    if (ACTIVATIONS.test(cls) && !kinds.includes('relu') && !kinds.includes('pool'))
      current.stages.push({ kind: 'relu', layer });
    else if (POOLS.test(cls) && !kinds.includes('pool')) current.stages.push({ kind: 'pool', layer });
  }
  if (blocks.length === 0)
    throw new MedcnnError(
      `${model.name} has no convolution layer, so it has no feature maps to show.`,
      `${model.name} には畳み込み層がないため、表示する特徴マップがありません。`,
    );
  const wanted = new Map(blocks.flatMap((b) => b.stages.map((s) => [s.layer, s] as const)));
  const captured = new Map<tfl.layers.Layer, Stage>();
  tf.tidy(() => {
    runGraph<tf.Tensor>(model, [x], {
      onLayer: (layer, out) => {
        const s = wanted.get(layer);
        if (!s || out.rank !== 4) return;
        const [, h, w, c] = out.shape;
        const data = out.dataSync() as Float32Array;
        const n = Math.min(maxMaps, c);
        const maps = Array.from({ length: n }, (_, k) => {
          const m = new Float32Array(h * w);
          for (let p = 0; p < h * w; p++) m[p] = data[p * c + k];
          return m;
        });
        captured.set(layer, {
          kind: s.kind,
          layer: layer.name,
          className: layer.getClassName(),
          height: h,
          width: w,
          totalChannels: c,
          maps,
        });
      },
    });
  });
  return blocks.map((b) => ({
    index: b.index,
    stages: b.stages.map((s) => captured.get(s.layer)).filter((s): s is Stage => Boolean(s)),
  }));
}
