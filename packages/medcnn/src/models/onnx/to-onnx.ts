import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../../errors.js';
import { ClassTokenPositionEmbedding, MultiHeadSelfAttention } from '../transformer-layers.js';
import {
  DataType,
  floatTensor,
  IR_VERSION,
  int64Tensor,
  OPSET,
  onnx,
  type OnnxNode,
  type OnnxTensor,
} from './proto.js';

type Layer = tfl.layers.Layer;
type Sym = tfl.SymbolicTensor;
type Config = Record<string, unknown>;

/** The names and layout of an exported model's inputs and outputs (the README documents them). */
export const ONNX_IO = {
  /** float32 [batch, height, width, channels], NHWC, normalised as the metadata says. */
  input: 'image',
  /** float32 [batch, classes]: the model's raw scores. */
  logits: 'logits',
  /** float32 [batch, classes]: softmax (one label per image) or sigmoid (multi-label) of logits / temperature. */
  probabilities: 'probabilities',
} as const;

/** What the exported graph computes after the logits, and what its metadata records. */
export interface OnnxExportOptions {
  /** sigmoid per label (multi-label tasks) or softmax over the classes. */
  multiLabel: boolean;
  /** Divides the logits before softmax/sigmoid in the graph (a Div node); 1 or absent: none. */
  temperature?: number;
  /** metadata_props: key → value (preprocessing, class names, threshold…). */
  metadata: Record<string, string>;
  docString?: string;
}

/**
 * Converts a TF.js layers model (NHWC) into an ONNX model: the image comes in NHWC, is transposed once to
 * ONNX's NCHW, and every layer becomes its ONNX operators; before a Flatten the map is transposed back to
 * NHWC so that the Dense weights keep their order. Returns the serialised ModelProto.
 */
export function layersModelToOnnx(model: tfl.LayersModel, opts: OnnxExportOptions): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw unsupported(model.name, `${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  const g = new GraphBuilder();
  const values = new Map<number, string>();
  const input = model.inputs[0];
  const [, h, w, c] = input.shape;
  if (input.shape.length !== 4)
    throw unsupported(
      model.name,
      `an input of shape [${input.shape.join(', ')}] (an image [batch, h, w, c] is needed)`,
    );
  g.node('Transpose', [ONNX_IO.input], { perm: [0, 3, 1, 2] }, 'input_to_nchw');
  values.set(input.id, g.last);

  const evaluate = (s: Sym): string => {
    const known = values.get(s.id);
    if (known !== undefined) return known;
    const layer = s.sourceLayer as Layer;
    const node = layer.inboundNodes[s.nodeIndex];
    const ins = node.inputTensors.map((t) => ({ name: evaluate(t), shape: t.shape }));
    const out = convertLayer(g, layer, ins, s.shape);
    values.set(s.id, out);
    return out;
  };
  const logits = evaluate(model.outputs[0]);
  if (model.outputs[0].shape.length !== 2)
    throw unsupported(
      model.name,
      `an output of rank ${model.outputs[0].shape.length} (class scores [batch, classes] are needed)`,
    );
  g.node('Identity', [logits], {}, 'logits', ONNX_IO.logits);
  let z = ONNX_IO.logits as string;
  if (opts.temperature !== undefined && opts.temperature !== 1) {
    g.init(floatTensor('temperature', [], Float32Array.of(opts.temperature)));
    z = g.node('Div', [z, 'temperature'], {}, 'divide_by_temperature');
  }
  if (opts.multiLabel) g.node('Sigmoid', [z], {}, 'probabilities', ONNX_IO.probabilities);
  else g.node('Softmax', [z], { axis: 1 }, 'probabilities', ONNX_IO.probabilities);

  const k = model.outputs[0].shape[1] as number;
  const graph = onnx.GraphProto.create({
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(ONNX_IO.input, ['batch', h as number, w as number, c as number])],
    output: [valueInfo(ONNX_IO.logits, ['batch', k]), valueInfo(ONNX_IO.probabilities, ['batch', k])],
    docString: opts.docString ?? '',
  });
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'medcnn',
    producerVersion: '0.1.0',
    docString: opts.docString ?? '',
    graph,
    metadataProps: Object.entries(opts.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Nodes and initializers as they are added, with unique names. */
class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];
  last = '';
  private used = new Set<string>();

  unique(base: string): string {
    let name = base.replace(/[^\w./-]/g, '_');
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  init(t: OnnxTensor): string {
    this.used.add(t.name as string);
    this.initializers.push(t);
    return t.name as string;
  }

  /** Adds a node; returns (and remembers as `last`) its output's name. */
  node(
    op: string,
    inputs: string[],
    attrs: Record<string, number | number[] | string>,
    name: string,
    output?: string,
  ): string {
    const nodeName = this.unique(name);
    const out = output ?? this.unique(`${nodeName}:0`);
    if (output) this.used.add(output);
    this.nodes.push({
      opType: op,
      name: nodeName,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    this.last = out;
    return out;
  }
}

function attribute(name: string, v: number | number[] | string): onnxProtoAttr {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
}
type onnxProtoAttr = NonNullable<OnnxNode['attribute']>[number];

function valueInfo(name: string, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

interface In {
  name: string;
  shape: (number | null)[];
}

/**
 * One layer as ONNX nodes; returns the name of its output. 4-D values are NCHW inside the graph; 3-D values (a
 * Vision Transformer's tokens, [batch, tokens, dim]) and 2-D ones are laid out as in TF.js.
 */
function convertLayer(g: GraphBuilder, layer: Layer, ins: In[], outShape: (number | null)[]): string {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Config;
  const n = layer.name;
  const x = ins[0];
  const weight = (suffix: string): tf.Tensor | undefined => {
    const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`) || v.name.endsWith(`/${suffix}`));
    return w?.read();
  };
  switch (cls) {
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      need4d(layer, x);
      const depthwise = cls === 'DepthwiseConv2D';
      const kernel = weight(depthwise ? 'depthwise_kernel' : 'kernel')!;
      const [kh, kw, cin, cout] = kernel.shape;
      // TF.js: [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); ONNX: [out, in/groups, kh, kw].
      const w = tf.tidy(() =>
        depthwise
          ? tf.reshape(tf.transpose(kernel, [2, 3, 0, 1]), [cin * cout, 1, kh, kw])
          : tf.transpose(kernel, [3, 2, 0, 1]),
      );
      const inputs = [x.name, g.init(floatTensor(g.unique(`${n}.weight`), w.shape, w.dataSync() as Float32Array))];
      w.dispose();
      const bias = cfg.useBias ? weight('bias') : undefined;
      if (bias) inputs.push(g.init(floatTensor(g.unique(`${n}.bias`), bias.shape, bias.dataSync() as Float32Array)));
      const strides = pair(cfg.strides);
      const dilations = pair(cfg.dilationRate ?? 1);
      const pads = padsFor(cfg.padding as string, x.shape, [kh, kw], strides, dilations);
      const y = g.node(
        'Conv',
        inputs,
        { kernel_shape: [kh, kw], strides, dilations, pads, group: depthwise ? cin : 1 },
        n,
      );
      return activation(g, cfg.activation, y, n, layer);
    }
    case 'BatchNormalization': {
      need4dOr2d(layer, x);
      if (x.shape.length === 4 && cfg.axis !== -1 && cfg.axis !== 3)
        throw unsupported(n, `BatchNormalization over axis ${cfg.axis}`);
      const mean = weight('moving_mean')!;
      const channels = mean.shape[0];
      const ones = new Float32Array(channels).fill(1);
      const gamma = weight('gamma');
      const beta = weight('beta');
      const t = (suffix: string, v: tf.Tensor | undefined, fallback: Float32Array) =>
        g.init(floatTensor(g.unique(`${n}.${suffix}`), [channels], v ? (v.dataSync() as Float32Array) : fallback));
      return g.node(
        'BatchNormalization',
        [
          x.name,
          t('scale', gamma, ones),
          t('bias', beta, new Float32Array(channels)),
          t('mean', mean, ones),
          t('var', weight('moving_variance'), ones),
        ],
        { epsilon: cfg.epsilon as number },
        n,
      );
    }
    case 'ReLU': {
      if (cfg.negativeSlope || cfg.threshold) throw unsupported(n, 'ReLU with a negative slope or a threshold');
      return cfg.maxValue != null ? clip(g, x.name, 0, cfg.maxValue as number, n) : g.node('Relu', [x.name], {}, n);
    }
    case 'Activation':
      return activation(g, cfg.activation, x.name, n, layer);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      need4d(layer, x);
      const k = pair(cfg.poolSize);
      const strides = pair(cfg.strides ?? cfg.poolSize);
      const pads = padsFor(cfg.padding as string, x.shape, k, strides, [1, 1]);
      // TF's 'same' average pooling divides by the pixels inside the image: ONNX's count_include_pad = 0.
      const attrs = { kernel_shape: k, strides, pads, ...(cls === 'AveragePooling2D' ? { count_include_pad: 0 } : {}) };
      return g.node(cls === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x.name], attrs, n);
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      need4d(layer, x);
      const pooled = g.node(cls === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name], {}, n);
      return g.node('Flatten', [pooled], { axis: 1 }, `${n}_flatten`);
    }
    case 'Flatten': {
      if (x.shape.length === 2) return x.name;
      need4d(layer, x);
      // Back to NHWC first: the Dense layer after it was trained on TF.js's (h, w, c) order.
      const nhwc = g.node('Transpose', [x.name], { perm: [0, 2, 3, 1] }, `${n}_to_nhwc`);
      return g.node('Flatten', [nhwc], { axis: 1 }, n);
    }
    case 'Dense': {
      if (x.shape.length !== 2 && x.shape.length !== 3) throw unsupported(n, `Dense on a rank-${x.shape.length} input`);
      const kernel = weight('kernel')!;
      const bias = cfg.useBias ? weight('bias') : undefined;
      // On tokens [batch, tokens, dim] (a ViT's MLP) Gemm does not apply: MatMul then Add, as TF.js computes it.
      const y =
        x.shape.length === 3
          ? linear(g, x.name, kernel, bias, n)
          : g.node(
              'Gemm',
              [
                x.name,
                g.init(floatTensor(g.unique(`${n}.weight`), kernel.shape, kernel.dataSync() as Float32Array)),
                ...(bias
                  ? [g.init(floatTensor(g.unique(`${n}.bias`), bias.shape, bias.dataSync() as Float32Array))]
                  : []),
              ],
              {},
              n,
            );
      return activation(g, cfg.activation, y, n, layer);
    }
    case 'LayerNormalization': {
      // Over the last axis of tokens or features (a 4-D map's last axis is ONNX's axis 1: not needed yet).
      const axis = Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : cfg.axis;
      const rank = x.shape.length;
      if ((rank !== 2 && rank !== 3) || (axis !== -1 && axis !== rank - 1))
        throw unsupported(n, `LayerNormalization over axis ${JSON.stringify(cfg.axis)} of a rank-${rank} input`);
      const d = x.shape[rank - 1] as number;
      const gamma = cfg.scale ? weight('gamma') : undefined;
      const beta = cfg.center ? weight('beta') : undefined;
      const t = (suffix: string, v: tf.Tensor | undefined, fill: number) =>
        g.init(
          floatTensor(
            g.unique(`${n}.${suffix}`),
            [d],
            v ? (v.dataSync() as Float32Array) : new Float32Array(d).fill(fill),
          ),
        );
      return g.node(
        'LayerNormalization',
        [x.name, t('scale', gamma, 1), t('bias', beta, 0)],
        { axis: -1, epsilon: cfg.epsilon as number },
        n,
      );
    }
    case ClassTokenPositionEmbedding.className: {
      if (x.shape.length !== 3) throw unsupported(n, `${cls} on a rank-${x.shape.length} input`);
      const classToken = weight('class_token')!;
      const position = weight('position_embedding')!;
      const d = x.shape[2] as number;
      // The class token [1, 1, d] broadcast to the batch: Expand to [batch, 1, d], the batch read from the input.
      const batch = g.node('Shape', [x.name], { start: 0, end: 1 }, `${n}_batch`);
      const rest = g.init(int64Tensor(g.unique(`${n}.token_shape`), [1, d]));
      const shape = g.node('Concat', [batch, rest], { axis: 0 }, `${n}_class_token_shape`);
      const token = g.init(
        floatTensor(g.unique(`${n}.class_token`), classToken.shape, classToken.dataSync() as Float32Array),
      );
      const tokens = g.node('Expand', [token, shape], {}, `${n}_class_tokens`);
      const joined = g.node('Concat', [tokens, x.name], { axis: 1 }, `${n}_concat`);
      const pos = g.init(
        floatTensor(g.unique(`${n}.position_embedding`), position.shape, position.dataSync() as Float32Array),
      );
      return g.node('Add', [joined, pos], {}, n);
    }
    case MultiHeadSelfAttention.className: {
      if (x.shape.length !== 3) throw unsupported(n, `${cls} on a rank-${x.shape.length} input`);
      const d = x.shape[2] as number;
      const h = (layer as MultiHeadSelfAttention).numHeads;
      const dh = d / h;
      // As the layer's call(): one projection to queries, keys and values, split into heads, scaled dot products.
      const qkv = linear(g, x.name, weight('qkv_kernel')!, weight('qkv_bias'), `${n}_qkv`);
      const split = g.node(
        'Reshape',
        [qkv, g.init(int64Tensor(g.unique(`${n}.qkv_shape`), [0, 0, 3, h, dh]))],
        {},
        `${n}_heads`,
      );
      const stacked = g.node('Transpose', [split], { perm: [2, 0, 3, 1, 4] }, `${n}_qkv_first`);
      const part = (i: number, what: string) =>
        g.node(
          'Gather',
          [stacked, g.init(int64Tensor(g.unique(`${n}.${what}_index`), [i], []))],
          { axis: 0 },
          `${n}_${what}`,
        );
      const [q, k, v] = [part(0, 'q'), part(1, 'k'), part(2, 'v')];
      const scale = g.init(floatTensor(g.unique(`${n}.scale`), [], Float32Array.of(1 / Math.sqrt(dh))));
      const kT = g.node('Transpose', [k], { perm: [0, 1, 3, 2] }, `${n}_k_transposed`);
      const scores = g.node('MatMul', [g.node('Mul', [q, scale], {}, `${n}_q_scaled`), kT], {}, `${n}_scores`);
      const weights = g.node('Softmax', [scores], { axis: -1 }, `${n}_softmax`);
      const heads = g.node('MatMul', [weights, v], {}, `${n}_attend`);
      const merged = g.node(
        'Reshape',
        [
          g.node('Transpose', [heads], { perm: [0, 2, 1, 3] }, `${n}_tokens_first`),
          g.init(int64Tensor(g.unique(`${n}.merged_shape`), [0, 0, d])),
        ],
        {},
        `${n}_merge_heads`,
      );
      return linear(g, merged, weight('out_kernel')!, weight('out_bias'), `${n}_out`);
    }
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      // Active only while training: identity in inference.
      return x.name;
    case 'Add':
      return ins
        .slice(1)
        .reduce((acc, v, i) => g.node('Add', [acc, v.name], {}, ins.length > 2 ? `${n}_${i}` : n), x.name);
    case 'Multiply':
      return ins
        .slice(1)
        .reduce((acc, v, i) => g.node('Mul', [acc, v.name], {}, ins.length > 2 ? `${n}_${i}` : n), x.name);
    case 'Concatenate': {
      const rank = x.shape.length;
      const axis = (cfg.axis as number) < 0 ? rank + (cfg.axis as number) : (cfg.axis as number);
      // NHWC axis → NCHW axis.
      const onnxAxis = rank === 4 ? [0, 2, 3, 1][axis] : axis;
      return g.node(
        'Concat',
        ins.map((v) => v.name),
        { axis: onnxAxis },
        n,
      );
    }
    case 'Cropping2D': {
      need4d(layer, x);
      const [[t, b], [l, r]] = cfg.cropping as [[number, number], [number, number]];
      const [, ih, iw] = x.shape as number[];
      const i64 = (what: string, v: number[]) => g.init(int64Tensor(g.unique(`${n}.${what}`), v));
      // NCHW: rows and columns are axes 2 and 3.
      return g.node(
        'Slice',
        [x.name, i64('starts', [t, l]), i64('ends', [ih - b, iw - r]), i64('axes', [2, 3])],
        {},
        n,
      );
    }
    case 'ZeroPadding2D': {
      need4d(layer, x);
      const [[t, b], [l, r]] = cfg.padding as [[number, number], [number, number]];
      const pads = g.init(int64Tensor(g.unique(`${n}.pads`), [0, 0, t, l, 0, 0, b, r]));
      return g.node('Pad', [x.name, pads], { mode: 'constant' }, n);
    }
    case 'Reshape': {
      // In TF.js's order (NHWC), so through NHWC on the ONNX side: [0] keeps the batch dimension.
      const target = cfg.targetShape as number[];
      const nhwc =
        x.shape.length === 4 ? g.node('Transpose', [x.name], { perm: [0, 2, 3, 1] }, `${n}_to_nhwc`) : x.name;
      const shape = g.init(int64Tensor(g.unique(`${n}.shape`), [0, ...target]));
      const y = g.node('Reshape', [nhwc, shape], {}, n);
      if (target.length === 3) return g.node('Transpose', [y], { perm: [0, 3, 1, 2] }, `${n}_to_nchw`);
      // Rank 2 or 3 (a feature vector; a ViT's patches as tokens [batch, tokens, dim]): TF.js's layout.
      if (target.length !== 1 && target.length !== 2) throw unsupported(n, `Reshape to rank ${target.length + 1}`);
      return y;
    }
    case 'Resizing': {
      need4d(layer, x);
      if (cfg.interpolation !== 'bilinear' || cfg.cropToAspectRatio)
        throw unsupported(n, `Resizing (${cfg.interpolation})`);
      const [, ih, iw] = x.shape as number[];
      const scales = g.init(
        floatTensor(
          g.unique(`${n}.scales`),
          [4],
          Float32Array.of(1, 1, (outShape[1] as number) / ih, (outShape[2] as number) / iw),
        ),
      );
      // TF.js's Resizing layer resizes with aligned corners.
      return g.node(
        'Resize',
        [x.name, '', scales],
        { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
        n,
      );
    }
    case 'Rescaling': {
      const scale = g.init(floatTensor(g.unique(`${n}.scale`), [], Float32Array.of(cfg.scale as number)));
      const offset = g.init(floatTensor(g.unique(`${n}.offset`), [], Float32Array.of((cfg.offset as number) ?? 0)));
      return g.node('Add', [g.node('Mul', [x.name, scale], {}, `${n}_scale`), offset], {}, n);
    }
    case 'Softmax': {
      if (x.shape.length !== 2) throw unsupported(n, `Softmax on a rank-${x.shape.length} input`);
      return g.node('Softmax', [x.name], { axis: 1 }, n);
    }
    default:
      throw unsupported(n, `the layer type ${cls}`);
  }
}

function activation(g: GraphBuilder, act: unknown, x: string, n: string, layer: Layer): string {
  switch (act ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x], {}, `${n}_relu`);
    case 'relu6':
      return clip(g, x, 0, 6, `${n}_relu6`);
    case 'sigmoid':
      return g.node('Sigmoid', [x], {}, `${n}_sigmoid`);
    case 'tanh':
      return g.node('Tanh', [x], {}, `${n}_tanh`);
    case 'gelu': {
      // tfjs-layers' 'gelu' is the exact form x · ½(1 + erf(x/√2)) (opset 17 has Erf, not Gelu), in its order.
      const c = (what: string, v: number) => g.init(floatTensor(g.unique(`${n}.gelu_${what}`), [], Float32Array.of(v)));
      const erf = g.node('Erf', [g.node('Div', [x, c('sqrt2', Math.SQRT2)], {}, `${n}_gelu_div`)], {}, `${n}_gelu_erf`);
      const cdf = g.node(
        'Mul',
        [c('half', 0.5), g.node('Add', [c('one', 1), erf], {}, `${n}_gelu_add`)],
        {},
        `${n}_gelu_cdf`,
      );
      return g.node('Mul', [x, cdf], {}, `${n}_gelu`);
    }
    case 'swish':
      return g.node('Mul', [x, g.node('Sigmoid', [x], {}, `${n}_swish_gate`)], {}, `${n}_swish`);
    case 'softmax':
      if (layer.outputShape.length !== 2) throw unsupported(n, 'softmax on a feature map');
      return g.node('Softmax', [x], { axis: 1 }, `${n}_softmax`);
    default:
      throw unsupported(n, `the activation ${String(act)}`);
  }
}

/** x · kernel + bias on the last axis of any rank (MatMul broadcasts over the leading axes). */
function linear(g: GraphBuilder, x: string, kernel: tf.Tensor, bias: tf.Tensor | undefined, n: string): string {
  const w = g.init(floatTensor(g.unique(`${n}.weight`), kernel.shape, kernel.dataSync() as Float32Array));
  const y = g.node('MatMul', [x, w], {}, bias ? `${n}_matmul` : n);
  if (!bias) return y;
  return g.node(
    'Add',
    [y, g.init(floatTensor(g.unique(`${n}.bias`), bias.shape, bias.dataSync() as Float32Array))],
    {},
    n,
  );
}

function clip(g: GraphBuilder, x: string, lo: number, hi: number, n: string): string {
  const min = g.init(floatTensor(g.unique(`${n}.min`), [], Float32Array.of(lo)));
  const max = g.init(floatTensor(g.unique(`${n}.max`), [], Float32Array.of(hi)));
  return g.node('Clip', [x, min, max], {}, n);
}

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number];
}

/** ONNX pads [top, left, bottom, right] for TF's 'valid' or 'same' (the odd pixel goes after, as in TF). */
function padsFor(padding: string, shape: (number | null)[], k: number[], s: number[], d: number[]): number[] {
  if (padding !== 'same') return [0, 0, 0, 0];
  const [, h, w] = shape as number[]; // the TF.js shape: NHWC
  const side = (n: number, i: number) => {
    const out = Math.ceil(n / s[i]);
    const total = Math.max((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [t, b] = side(h, 0);
  const [l, r] = side(w, 1);
  return [t, l, b, r];
}

function need4d(layer: Layer, x: In): void {
  if (x.shape.length !== 4) throw unsupported(layer.name, `${layer.getClassName()} on a rank-${x.shape.length} input`);
}
function need4dOr2d(layer: Layer, x: In): void {
  if (x.shape.length !== 4 && x.shape.length !== 2)
    throw unsupported(layer.name, `${layer.getClassName()} on a rank-${x.shape.length} input`);
}

function unsupported(where: string, what: string): MedcnnError {
  return new MedcnnError(
    `Cannot export ${where} to ONNX: medcnn does not convert ${what}.`,
    `${where} を ONNX にエクスポートできません: medcnn は ${what} を変換できません。`,
  );
}
