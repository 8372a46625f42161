import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '../data/dataset-info.js';
import { MedcnnError } from '../errors.js';
import { probabilities } from '../train/loss.js';
import { graphLayers, isConvLayer, runGraph } from '../models/graph.js';

/** Grad-CAM of a batch: one class-activation map per image on the target layer's grid, with the probabilities. */
export interface GradCamResult {
  layer: string;
  /** Height and width of the target layer's feature map (the map's resolution before upsampling). */
  height: number;
  width: number;
  /** One map per image, row-major height×width, ≥ 0, not normalised. */
  maps: Float32Array[];
  /** The class each map explains. */
  classIndices: number[];
  probabilities: number[][];
}

/**
 * The layer Grad-CAM looks at: the one named, or the output of the model's last convolution block — the
 * last convolution followed through the BatchNorm, activation and residual addition that come right after it,
 * so the map is built from the rectified features the classifier reads (as Grad-CAM does on VGG's conv+ReLU
 * or ResNet's last block). On a convolution's raw output the map is often zero everywhere.
 */
export function gradCamLayer(model: tfl.LayersModel, name?: string): tfl.layers.Layer {
  const layers = graphLayers(model);
  if (name !== undefined) {
    const layer = layers.find((l) => l.name === name);
    if (!layer) {
      const convs = layers.filter(isConvLayer).map((l) => l.name);
      throw new MedcnnError(
        `The model has no layer '${name}'. Its convolution layers are: ${convs.join(', ')}.`,
        `モデルに層 '${name}' はありません。畳み込み層: ${convs.join(', ')}。`,
      );
    }
    return layer;
  }
  // A Vision Transformer: the tokens entering the last block's attention (its first LayerNorm's output). The
  // classifier reads only the class token of the last block's output, so gradients reach the patch tokens
  // there only through that attention.
  const attention = layers.filter((l) => l.getClassName() === 'MedcnnMultiHeadSelfAttention');
  if (attention.length > 0) return attention[attention.length - 1].inboundNodes[0].inboundLayers[0];
  const convs = layers.filter(isConvLayer);
  if (convs.length === 0)
    throw new MedcnnError(
      `${model.name} has no convolution layer, so Grad-CAM has nothing to look at.`,
      `${model.name} には畳み込み層がないため、Grad-CAM で調べる対象がありません。`,
    );
  const inModel = new Set(layers);
  let target = convs[convs.length - 1];
  for (;;) {
    const next = target.outboundNodes.map((n) => n.outboundLayer).filter((l) => inModel.has(l));
    if (next.length !== 1 || !BLOCK_TAIL.test(next[0].getClassName())) return target;
    target = next[0];
  }
}

/** Layers that finish a convolution block without changing its grid (DenseNet's blocks end by concatenating). */
const BLOCK_TAIL = /^(BatchNormalization|Activation|ReLU|LeakyReLU|ELU|PReLU|Add|Concatenate)$/;

/**
 * Grad-CAM (Selvaraju et al. 2017): weights each channel k of the target layer's activation A by the mean
 * gradient of the class logit over the map, ∂y_c/∂A_k, and keeps the positive part of Σ_k α_k A_k.
 * Runs in inference mode (BatchNorm uses its moving statistics, dropout is off). By default each image
 * is explained for its most probable class; `classIndex` picks one class for all.
 * On a Vision Transformer the map is the patch tokens of the last block's attention input, on the patch grid.
 */
export function gradCam(
  model: tfl.LayersModel,
  x: tf.Tensor4D,
  task: Task,
  opts: {
    layer?: string;
    classIndex?: number;
    /** The run's fitted temperature, for the probabilities shown (1 when absent). */
    temperature?: number;
    /** Which class an image is explained for by default (the run's decision; the most probable class when absent). */
    decide?: (probs: number[]) => number;
  } = {},
): GradCamResult {
  const target = gradCamLayer(model, opts.layer);
  const numClasses = model.outputs[0].shape[1] as number;
  if (
    opts.classIndex !== undefined &&
    !(Number.isInteger(opts.classIndex) && opts.classIndex >= 0 && opts.classIndex < numClasses)
  ) {
    throw new MedcnnError(
      `--class must be a class index from 0 to ${numClasses - 1}, got ${opts.classIndex}.`,
      `--class は 0 から ${numClasses - 1} までのクラス番号にしてください（指定値: ${opts.classIndex}）。`,
    );
  }
  return tf.tidy(() => {
    let activation: tf.Tensor | null = null;
    const [logits] = runGraph<tf.Tensor>(model, [x], {
      onLayer: (l, out) => {
        if (l === target) activation = out;
      },
    });
    if (!activation || !isFeatureMap(activation)) {
      throw new MedcnnError(
        `Layer '${target.name}' does not output a feature map (height × width × channels) or a grid of patch tokens; choose a convolution layer with --layer.`,
        `層 '${target.name}' は特徴マップ（高さ × 幅 × チャネル）もパッチトークンの格子も出力しません。--layer で畳み込み層を選んでください。`,
      );
    }
    const act = activation as tf.Tensor;
    const probs = probabilities(task, logits, opts.temperature).arraySync() as number[][];
    const classIndices = probs.map((p) => opts.classIndex ?? opts.decide?.(p) ?? p.indexOf(Math.max(...p)));
    const select = tf.oneHot(tf.tensor1d(classIndices, 'int32'), numClasses);
    // The class logit as a function of the target activation alone: the graph is rerun from that layer on.
    const classScore = (value: tf.Tensor): tf.Scalar => {
      const [out] = runGraph<tf.Tensor>(model, [x], { replace: new Map([[target.name, value]]) });
      return tf.sum(tf.mul(out, select));
    };
    const grads = asMap(tf.grad(classScore)(act));
    const a = asMap(act);
    const alpha = tf.mean(grads, [1, 2], true);
    const cam = tf.relu(tf.sum(tf.mul(a, alpha), 3)) as tf.Tensor3D;
    const [n, h, w] = cam.shape;
    const flat = cam.dataSync() as Float32Array;
    const maps = Array.from({ length: n }, (_, i) => flat.slice(i * h * w, (i + 1) * h * w));
    return { layer: target.name, height: h, width: w, maps, classIndices, probabilities: probs };
  });
}

/**
 * Whether a layer's output can be explained as a map: a feature map [n, h, w, c], or a transformer's tokens
 * [n, 1 + g², d] (a class token and a g×g grid of patches).
 */
function isFeatureMap(t: tf.Tensor): boolean {
  if (t.rank === 4) return true;
  return t.rank === 3 && Number.isInteger(Math.sqrt(t.shape[1]! - 1)) && t.shape[1]! > 1;
}

/** A feature map as it is, or a transformer's patch tokens (class token dropped) laid out on their grid. */
function asMap(t: tf.Tensor): tf.Tensor4D {
  if (t.rank === 4) return t as tf.Tensor4D;
  const [n, tokens, d] = t.shape as [number, number, number];
  const g = Math.round(Math.sqrt(tokens - 1));
  return tf.reshape(tf.slice(t, [0, 1, 0], [n, tokens - 1, d]), [n, g, g, d]);
}

/** Bilinear upsampling of a map to an image's size (pixel centres aligned), for overlaying. */
export function upsampleMap(map: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / outH - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / outW - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const dx = fx - x0;
      const top = map[y0 * w + x0] * (1 - dx) + map[y0 * w + x1] * dx;
      const bottom = map[y1 * w + x0] * (1 - dx) + map[y1 * w + x1] * dx;
      out[y * outW + x] = top * (1 - dy) + bottom * dy;
    }
  }
  return out;
}

/** Spearman rank correlation of two maps (0 when either is constant): how alike two explanations are. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i];
    mb += rb[i];
  }
  ma /= n;
  mb /= n;
  let cov = 0,
    va = 0,
    vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) ** 2;
    vb += (rb[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? 0 : cov / Math.sqrt(va * vb);
}

/** Ranks with ties given their mean rank. */
function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i] - v[j]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}
