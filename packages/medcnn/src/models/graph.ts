import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

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
