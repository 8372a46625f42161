import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { releaseShapeOnlySaved } from '../engine/backward.js';

type Layer = tfl.layers.Layer;
type Sym = tfl.SymbolicTensor;

/** How to walk a model's graph: training mode, values that replace layer outputs, and a tap on every layer. */
export interface GraphRunOptions<T> {
  training?: boolean;
  /** Layer name → the value used as that layer's output (Grad-CAM feeds its target activation here). */
  replace?: Map<string, T>;
  /** Called once with each layer's output as it is computed. */
  onLayer?: (layer: Layer, output: T) => void;
}

/**
 * Runs a model's graph layer by layer, Sequential or functional (branches and residual additions
 * included), on concrete tensors or on symbolic ones (to replay a backbone inside a larger model).
 * Unlike model.apply it can tap every intermediate output and replace any layer's output with a value,
 * which is what Grad-CAM and the feature-map panels need. Returns the model's outputs.
 */
export function runGraph<T extends tf.Tensor | Sym>(
  model: tfl.LayersModel,
  inputs: T[],
  opts: GraphRunOptions<T> = {},
): T[] {
  const values = new Map<number, T>();
  model.inputs.forEach((s, i) => values.set(s.id, inputs[i]));
  const evaluate = (s: Sym): T => {
    const known = values.get(s.id);
    if (known !== undefined) return known;
    const layer = s.sourceLayer;
    const replaced = opts.replace?.get(layer.name);
    if (replaced !== undefined) {
      values.set(s.id, replaced);
      return replaced;
    }
    // The node that produced s; a layer shared by several models has one node per use.
    const node = layer.inboundNodes[s.nodeIndex];
    const ins = node.inputTensors.map(evaluate);
    const arg = (ins.length === 1 ? ins[0] : ins) as tf.Tensor | tf.Tensor[];
    const out = layer.apply(arg, { training: opts.training ?? false }) as unknown as T | T[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((o, i) => values.set(o.id, outs[i]));
    opts.onLayer?.(layer, outs[0]);
    return values.get(s.id)!;
  };
  return model.outputs.map(evaluate);
}

/** The layers of a model in the order runGraph computes them (inputs first), without the input layers. */
export function graphLayers(model: tfl.LayersModel): Layer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer');
}

/** Whether a layer is a convolution (regular, depthwise or separable). */
export function isConvLayer(layer: Layer): boolean {
  return /^(Conv2D|DepthwiseConv2D|SeparableConv2D|Conv2DTranspose)$/.test(layer.getClassName());
}

/**
 * `model.apply(inputs, { training: true })` as tfjs-layers computes it (the same layers, in an order that respects
 * the graph, so the same numbers), but each intermediate output is freed once the last layer that reads it has run.
 * tfjs-layers keeps every intermediate of a training forward pass until the pass ends, though autodiff keeps its own
 * references to what the gradients need: the outputs nothing saved (an activation before an explicit padding, a
 * dropout's output before an addition) were held to the end of the forward pass for nothing, as PyTorch does not.
 */
export function applyForTraining(model: tfl.LayersModel, inputs: tf.Tensor[]): tf.Tensor[] {
  // The nodes that produce the outputs, in an order where each comes after those it reads.
  const order: { layer: Layer; node: Layer['inboundNodes'][number] }[] = [];
  const planned = new Set<number>(model.inputs.map((s) => s.id));
  const uses = new Map<number, number>(); // symbolic tensor id → layers still to read it
  const plan = (s: Sym): void => {
    if (planned.has(s.id)) return;
    const node = s.sourceLayer.inboundNodes[s.nodeIndex];
    node.inputTensors.forEach(plan);
    for (const input of node.inputTensors) uses.set(input.id, (uses.get(input.id) ?? 0) + 1);
    for (const o of node.outputTensors) planned.add(o.id);
    order.push({ layer: s.sourceLayer, node });
  };
  model.outputs.forEach(plan);

  const values = new Map<number, tf.Tensor>();
  model.inputs.forEach((s, i) => values.set(s.id, inputs[i]));
  // A layer may return its input itself (a linear activation, dropout at rate 0): a tensor is freed only when no
  // symbolic tensor that stands for it is still to be read, and never when it is an input or an output.
  const keep = new Set<tf.Tensor>(inputs);
  const outputIds = new Set(model.outputs.map((s) => s.id));
  const pending = new Map<tf.Tensor, number>();
  for (const { layer, node } of order) {
    const ins = node.inputTensors.map((s) => values.get(s.id)!);
    const out = layer.apply(ins.length === 1 ? ins[0] : ins, { training: true }) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((s, i) => {
      values.set(s.id, outs[i]);
      const reads = (uses.get(s.id) ?? 0) + (outputIds.has(s.id) ? 1 : 0); // an output is never freed
      pending.set(outs[i], (pending.get(outs[i]) ?? 0) + reads);
    });
    for (const s of node.inputTensors) {
      const t = values.get(s.id)!;
      const left = (pending.get(t) ?? 0) - 1;
      pending.set(t, left);
      if (left === 0 && !keep.has(t)) t.dispose();
    }
    releaseShapeOnlySaved();
  }
  return model.outputs.map((s) => values.get(s.id)!);
}
