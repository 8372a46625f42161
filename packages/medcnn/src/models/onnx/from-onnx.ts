import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../../errors.js';
import { decodeOnnx, type OnnxNode, type OnnxTensor, tensorValues, toNumber } from './proto.js';

type Sym = tfl.SymbolicTensor;

/** The operators medcnn converts (what torchvision's and timm's classification networks export to). */
export const SUPPORTED_OPS = [
  'Conv',
  'BatchNormalization',
  'Relu',
  'Clip',
  'Sigmoid',
  'Mul',
  'Add',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'ReduceMean',
  'Flatten',
  'Reshape',
  'Gemm',
  'MatMul',
  'Concat',
  'Pad',
  'Identity',
  'Dropout',
  'Constant',
] as const;

/** Operators that only make a classifier out of a feature map: cut off when the network becomes a backbone. */
const HEAD_OPS = new Set([
  'Gemm',
  'MatMul',
  'Flatten',
  'Reshape',
  'GlobalAveragePool',
  'ReduceMean',
  'Dropout',
  'Identity',
]);

/** A network read from ONNX as a TF.js layers model (NHWC), and what it was. */
export interface ConvertedOnnx {
  model: tfl.LayersModel;
  /** The input side it was built for. */
  inputSize: number;
  channels: number;
  /** The ONNX nodes cut off as the classifier (empty when the file had none, or when it was kept). */
  removed: string[];
}

export interface OnnxConvertOptions {
  /** Square input side to build for (default: the file's own, else 224). */
  inputSize?: number;
  /** Keep the file's classifier (the whole network, to compare with its exporter) or cut it off (a backbone). */
  keepClassifier?: boolean;
  /** Per-channel preprocessing done inside the model on inputs in [0, 1]: x = (v − mean) / std (a frozen 1×1 layer). */
  normalize?: { mean: number[]; std: number[] };
}

interface Value {
  sym: Sym;
  /** Every element ≥ 0 (after ReLU): zero padding before a max pooling is then exact. */
  nonNegative: boolean;
}

/**
 * Converts an ONNX image classifier (NCHW, as PyTorch exports it) into a TF.js layers model taking NHWC
 * images. Convolutions, batch norms and dense layers keep their weights; an operator it cannot convert is an
 * error that names it and its node.
 */
export function onnxToLayersModel(bytes: Uint8Array, where: string, opts: OnnxConvertOptions = {}): ConvertedOnnx {
  const proto = decodeOnnx(bytes, where);
  const graph = proto.graph!;
  const nodes = graph.node ?? [];
  const consts = new Map<string, { dims: number[]; values: Float32Array }>();
  for (const t of graph.initializer ?? []) consts.set(t.name as string, constOf(t));

  // The image input: the one graph input that is not an initializer, [batch, channels, height, width].
  const inputs = (graph.input ?? []).filter((i) => !consts.has(i.name as string));
  const dims = inputs[0]?.type?.tensorType?.shape?.dim ?? [];
  const dimOf = (i: number): number | null => (dims[i]?.dimValue != null ? toNumber(dims[i].dimValue) : null);
  const channels = dimOf(1);
  if (inputs.length !== 1 || dims.length !== 4 || (channels !== 1 && channels !== 3)) {
    const shape = dims.map((d) => (d.dimValue != null ? toNumber(d.dimValue) : (d.dimParam ?? '?'))).join(', ');
    throw new MedcnnError(
      `${where} is not an image network: its input${inputs.length === 1 ? ` is [${shape}]` : `s are ${inputs.length}`}, and medcnn needs one image input [batch, 1 or 3 channels, height, width].`,
      `${where} は画像用のネットワークではありません: 入力が${inputs.length === 1 ? ` [${shape}] です` : ` ${inputs.length} 個あります`}。medcnn には画像の入力 [バッチ, 1 または 3 チャネル, 高さ, 幅] が 1 つ必要です。`,
    );
  }
  const inputSize = opts.inputSize ?? dimOf(2) ?? 224;
  const outputName = graph.output?.[0]?.name as string;
  const producer = new Map<string, OnnxNode>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);

  // The backbone ends where the classifier starts: walk back from the output over pooling, flattening and dense ops.
  let end = outputName;
  const removed: string[] = [];
  if (!opts.keepClassifier) {
    // An Add of a constant is a dense layer's bias (MatMul + Add); an Add of two tensors is a residual, not head.
    const isHead = (n: OnnxNode): boolean =>
      HEAD_OPS.has(n.opType as string) || (n.opType === 'Add' && (n.input ?? []).some((i) => consts.has(i)));
    for (let n = producer.get(end); n && isHead(n); n = producer.get(end)) {
      removed.push(n.name || (n.opType as string));
      end = (n.input ?? []).find((i) => !consts.has(i)) ?? '';
    }
  }

  const names = new Set<string>();
  const layerName = (n: OnnxNode, i: number, suffix = ''): string => {
    let base = `onnx_${(n.name || `${n.opType}_${i}`).replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9_.-]/g, '_')}${suffix}`;
    for (let k = 1; names.has(base); k++) base = `${base}_${k}`;
    names.add(base);
    return base;
  };
  const input = tfl.input({ shape: [inputSize, inputSize, channels], name: 'onnx_input' });
  let first: Sym = input;
  if (opts.normalize) {
    const { mean, std } = opts.normalize;
    const at = (v: number[], c: number) => v[v.length === 1 ? 0 : c];
    const norm = tfl.layers.depthwiseConv2d({ kernelSize: 1, name: 'onnx_normalize', trainable: false });
    first = norm.apply(input) as Sym;
    norm.setWeights([
      tf.tensor4d(
        Array.from({ length: channels }, (_, c) => 1 / at(std, c)),
        [1, 1, channels, 1],
      ),
      tf.tensor1d(Array.from({ length: channels }, (_, c) => -at(mean, c) / at(std, c))),
    ]);
  }
  const values = new Map<string, Value>([[inputs[0].name as string, { sym: first, nonNegative: false }]]);

  for (const [i, node] of nodes.entries()) {
    if (values.has(end)) break;
    const op = node.opType as string;
    const outName = node.output?.[0] as string;
    const unknownOp = (): MedcnnError =>
      new MedcnnError(
        `${where}: the operator ${op} (node '${node.name || `#${i}`}') cannot be converted by medcnn. It converts ${SUPPORTED_OPS.join(', ')}.`,
        `${where}: 演算子 ${op}（ノード '${node.name || `#${i}`}'）は medcnn では変換できません。変換できるのは ${SUPPORTED_OPS.join(', ')} です。`,
      );
    const bad = (what: string, whatJa: string): MedcnnError =>
      new MedcnnError(
        `${where}: node '${node.name || `#${i}`}' (${op}) ${what}, which medcnn cannot convert.`,
        `${where}: ノード '${node.name || `#${i}`}'（${op}）は${whatJa}ため、medcnn では変換できません。`,
      );
    if (!(SUPPORTED_OPS as readonly string[]).includes(op)) throw unknownOp();
    const ins = node.input ?? [];
    const attr = attributes(node);
    // Operators on constants only (shapes, Identity of a shared weight) are folded here.
    if (op === 'Constant') {
      if (!attr.value) throw bad('holds no tensor value', 'テンソルの値を持たない');
      consts.set(outName, constOf(attr.value));
      continue;
    }
    if ((op === 'Identity' || op === 'Dropout') && consts.has(ins[0])) {
      consts.set(outName, consts.get(ins[0])!);
      continue;
    }
    const v = (k: number): Value => {
      const got = values.get(ins[k]);
      if (!got) throw bad(`reads '${ins[k]}', which is not an image tensor`, `画像テンソルではない '${ins[k]}' を読む`);
      return got;
    };
    const c = (k: number) => consts.get(ins[k]);
    const name = layerName(node, i);
    const apply = (layer: tfl.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;
    const set = (sym: Sym, nonNegative = false) => values.set(outName, { sym, nonNegative });
    const x = (): Value => v(0);
    switch (op) {
      case 'Identity':
      case 'Dropout':
        values.set(outName, x());
        break;
      case 'Conv': {
        const w = c(1);
        if (!w) throw bad('has weights that are not constants', '重みが定数ではない');
        const b = ins[2] ? c(2) : undefined;
        const [o, ig, kh, kw] = w.dims;
        const group = attr.group ?? 1;
        const inC = x().sym.shape[3] as number;
        if (attr.auto_pad && attr.auto_pad !== 'NOTSET')
          throw bad(`uses auto_pad ${attr.auto_pad}`, `auto_pad ${attr.auto_pad} を使う`);
        let sym = padded(x().sym, attr.pads, `${name}_pad`, names);
        const strides = ((attr.strides as number[]) ?? [1, 1]) as [number, number];
        const dilationRate = ((attr.dilations as number[]) ?? [1, 1]) as [number, number];
        let layer: tfl.layers.Layer;
        let kernel: tf.Tensor;
        if (group === 1) {
          layer = tfl.layers.conv2d({
            filters: o,
            kernelSize: [kh, kw],
            strides,
            dilationRate,
            padding: 'valid',
            useBias: !!b,
            name,
          });
          kernel = tf.transpose(tf.tensor4d(w.values, [o, ig, kh, kw]), [2, 3, 1, 0]);
        } else if (group === inC && ig === 1 && o % inC === 0) {
          const m = o / inC;
          layer = tfl.layers.depthwiseConv2d({
            kernelSize: [kh, kw],
            depthMultiplier: m,
            strides,
            dilationRate,
            padding: 'valid',
            useBias: !!b,
            name,
          });
          kernel = tf.transpose(tf.tensor4d(w.values, [inC, m, kh, kw]), [2, 3, 0, 1]);
        } else
          throw bad(
            `is a grouped convolution (${group} groups of ${inC} channels)`,
            `グループ畳み込み（${inC} チャネルを ${group} グループ）である`,
          );
        sym = apply(layer, sym);
        layer.setWeights(b ? [kernel, tf.tensor1d(b.values)] : [kernel]);
        set(sym);
        break;
      }
      case 'BatchNormalization': {
        const [scale, bias, mean, variance] = [1, 2, 3, 4].map(c);
        if (!scale || !bias || !mean || !variance)
          throw bad('has parameters that are not constants', 'パラメータが定数ではない');
        const layer = tfl.layers.batchNormalization({ axis: -1, epsilon: attr.epsilon ?? 1e-5, momentum: 0.9, name });
        set(apply(layer, x().sym));
        layer.setWeights([scale, bias, mean, variance].map((t) => tf.tensor1d(t.values)));
        break;
      }
      case 'Relu':
        set(apply(tfl.layers.reLU({ name }), x().sym), true);
        break;
      case 'Clip': {
        const lo: number | undefined = ins[1] ? c(1)?.values[0] : attr.min;
        const hi: number | undefined = ins[2] ? c(2)?.values[0] : attr.max;
        if (lo !== 0)
          throw bad(
            `clips from ${lo} (only ReLU-like clips from 0 are converted)`,
            `${lo} から切り詰める（変換できるのは 0 からの ReLU 型だけ）`,
          );
        set(
          apply(
            tfl.layers.reLU({ name, ...(hi !== undefined && Number.isFinite(hi) ? { maxValue: hi } : {}) }),
            x().sym,
          ),
          true,
        );
        break;
      }
      case 'Sigmoid':
        set(apply(tfl.layers.activation({ activation: 'sigmoid', name }), x().sym), true);
        break;
      case 'Mul':
      case 'Add': {
        if (c(0) || c(1))
          throw bad(`${op === 'Mul' ? 'multiplies' : 'adds'} a constant`, `定数を${op === 'Mul' ? '掛ける' : '足す'}`);
        // Merge layers broadcast: an SE block's [1, 1, C] gate multiplies the whole [H, W, C] map.
        const a = x();
        const bv = v(1);
        const layer = op === 'Mul' ? tfl.layers.multiply({ name }) : tfl.layers.add({ name });
        set(
          apply(layer, [a.sym, bv.sym]),
          op === 'Mul' ? a.nonNegative && bv.nonNegative : a.nonNegative && bv.nonNegative,
        );
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        if (attr.ceil_mode) throw bad('uses ceil_mode', 'ceil_mode を使う');
        if (attr.auto_pad && attr.auto_pad !== 'NOTSET')
          throw bad(`uses auto_pad ${attr.auto_pad}`, `auto_pad ${attr.auto_pad} を使う`);
        const k = attr.kernel_shape as number[];
        const strides = (attr.strides as number[]) ?? [1, 1];
        const pads = (attr.pads as number[]) ?? [0, 0, 0, 0];
        const a = x();
        let sym = a.sym;
        let padding: 'valid' | 'same' = 'valid';
        if (pads.some((p) => p !== 0)) {
          // Zero padding is exact before a max over non-negative values, and before an average that counts pads.
          const zerosExact = op === 'MaxPool' ? a.nonNegative : attr.count_include_pad === 1;
          if (zerosExact) sym = padded(sym, pads, `${name}_pad`, names);
          else if (sameAs(pads, sym.shape, k, strides)) padding = 'same';
          else
            throw bad(
              `pads by [${pads}] where its input may be negative`,
              `負の値を取りうる入力を [${pads}] だけ埋める`,
            );
        }
        const cfg = { poolSize: k as [number, number], strides: strides as [number, number], padding, name };
        set(
          apply(op === 'MaxPool' ? tfl.layers.maxPooling2d(cfg) : tfl.layers.averagePooling2d(cfg), sym),
          a.nonNegative,
        );
        break;
      }
      case 'GlobalAveragePool':
      case 'ReduceMean': {
        const a = x();
        if (a.sym.shape.length !== 4)
          throw bad('averages a tensor that is not a feature map', '特徴マップでないテンソルを平均する');
        if (op === 'ReduceMean') {
          const axes = ((attr.axes as number[]) ?? Array.from(c(1)?.values ?? [])).map((ax) => (ax < 0 ? ax + 4 : ax));
          if (axes.length !== 2 || !axes.includes(2) || !axes.includes(3))
            throw bad(`averages over axes [${axes}]`, `軸 [${axes}] で平均する`);
        }
        const keep = op === 'GlobalAveragePool' || (attr.keepdims ?? 1) === 1;
        let sym = apply(tfl.layers.globalAveragePooling2d({ name }), a.sym);
        if (keep)
          sym = apply(
            tfl.layers.reshape({ targetShape: [1, 1, sym.shape[1] as number], name: `${name}_keepdims` }),
            sym,
          );
        set(sym, a.nonNegative);
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const a = x();
        const shape = a.sym.shape;
        if (op === 'Reshape') {
          const target = c(1)?.values;
          if (target?.length !== 2 || shape.length !== 4)
            throw bad(
              `reshapes to [${target ? Array.from(target) : '?'}]`,
              `[${target ? Array.from(target) : '?'}] に形を変える`,
            );
        } else if ((attr.axis ?? 1) !== 1)
          throw bad(`flattens from axis ${attr.axis}`, `軸 ${attr.axis} から平らにする`);
        if (shape.length === 2) {
          values.set(outName, a);
          break;
        }
        let sym = a.sym;
        // PyTorch flattens channels first: (c, h, w) order, so the dense weights after it keep theirs.
        if ((shape[1] as number) * (shape[2] as number) > 1)
          sym = apply(tfl.layers.permute({ dims: [3, 1, 2], name: `${name}_to_nchw` }), sym);
        set(apply(tfl.layers.flatten({ name }), sym), a.nonNegative);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const w = c(1);
        if (!w || attr.transA)
          throw bad('is not a dense layer with constant weights', '定数の重みを持つ全結合層ではない');
        const a = x();
        if (a.sym.shape.length !== 2) throw bad('acts on a tensor that is not flat', '平らでないテンソルに作用する');
        const [r, cc] = w.dims;
        const kernel = tf.tidy(() => {
          const t = tf.tensor2d(w.values, [r, cc]);
          return tf.mul(attr.transB ? tf.transpose(t) : t, attr.alpha ?? 1);
        });
        const b = op === 'Gemm' && ins[2] ? c(2) : undefined;
        const units = kernel.shape[1] as number;
        const layer = tfl.layers.dense({ units, useBias: !!b, name });
        set(apply(layer, a.sym));
        layer.setWeights(
          b
            ? [kernel, tf.mul(tf.broadcastTo(tf.tensor(b.values, b.dims), [units] as number[]), attr.beta ?? 1)]
            : [kernel],
        );
        break;
      }
      case 'Concat': {
        const parts = ins.map((_, k) => v(k));
        const rank = parts[0].sym.shape.length;
        const axis = (attr.axis ?? 1) < 0 ? (attr.axis as number) + rank : (attr.axis ?? 1);
        if (axis !== 1) throw bad(`concatenates along axis ${attr.axis}`, `軸 ${attr.axis} に沿って連結する`);
        // DenseNet's first layer "concatenates" one tensor.
        if (parts.length === 1) {
          values.set(outName, parts[0]);
          break;
        }
        set(
          apply(
            tfl.layers.concatenate({ axis: -1, name }),
            parts.map((p) => p.sym),
          ),
          parts.every((p) => p.nonNegative),
        );
        break;
      }
      case 'Pad': {
        if ((attr.mode ?? 'constant') !== 'constant')
          throw bad(`pads in ${attr.mode} mode`, `${attr.mode} モードで埋める`);
        const pads = ins[1] ? Array.from(c(1)?.values ?? []) : (attr.pads as number[]);
        const value = ins[2] ? (c(2)?.values[0] ?? 0) : 0;
        if (pads?.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5] || value !== 0)
          throw bad(`pads by [${pads}] with ${value}`, `[${pads}] を ${value} で埋める`);
        const a = x();
        set(padded(a.sym, [pads[2], pads[3], pads[6], pads[7]], name, names), a.nonNegative);
        break;
      }
      default:
        throw unknownOp();
    }
  }
  const out = values.get(end);
  if (!out)
    throw new MedcnnError(
      `${where}: its output '${end}' could not be reached from the image input; it is not an image classifier medcnn can read.`,
      `${where}: 出力 '${end}' に画像の入力からたどり着けません。medcnn が読める画像分類ネットワークではありません。`,
    );
  const model = tfl.model({ inputs: input, outputs: out.sym, name: 'onnx_backbone' });
  return { model, inputSize, channels, removed };
}

/** A ZeroPadding2D for ONNX pads [top, left, bottom, right] (the input itself when they are all 0). */
function padded(x: Sym, pads: unknown, name: string, names: Set<string>): Sym {
  const p = (pads as number[] | undefined) ?? [0, 0, 0, 0];
  if (p.every((v) => v === 0)) return x;
  names.add(name);
  return tfl.layers
    .zeroPadding2d({
      padding: [
        [p[0], p[2]],
        [p[1], p[3]],
      ],
      name,
    })
    .apply(x) as Sym;
}

/** Whether ONNX pads equal what TF's 'same' padding computes for this input (extra pixel at the end). */
function sameAs(pads: number[], shape: (number | null)[], k: number[], s: number[]): boolean {
  return [1, 2].every((d, i) => {
    const n = shape[d] as number;
    const total = Math.max((Math.ceil(n / s[i]) - 1) * s[i] + k[i] - n, 0);
    return pads[i] === Math.floor(total / 2) && pads[i + 2] === total - Math.floor(total / 2);
  });
}

function constOf(t: OnnxTensor): { dims: number[]; values: Float32Array } {
  return { dims: (t.dims ?? []).map((d) => toNumber(d)), values: tensorValues(t) };
}

/** The attributes of the operators medcnn converts (ONNX's names). */
interface NodeAttributes {
  group?: number;
  pads?: number[];
  strides?: number[];
  dilations?: number[];
  kernel_shape?: number[];
  auto_pad?: string;
  ceil_mode?: number;
  count_include_pad?: number;
  epsilon?: number;
  min?: number;
  max?: number;
  axes?: number[];
  axis?: number;
  keepdims?: number;
  transA?: number;
  transB?: number;
  alpha?: number;
  beta?: number;
  mode?: string;
  value?: OnnxTensor;
}

/** A node's attributes as plain values (ints, floats, strings, lists, a tensor). */
function attributes(n: OnnxNode): NodeAttributes {
  const out: Record<string, unknown> = {};
  for (const a of n.attribute ?? []) {
    const name = a.name as string;
    if (a.ints?.length) out[name] = a.ints.map((v) => toNumber(v));
    else if (a.floats?.length) out[name] = [...a.floats];
    else if (a.t) out[name] = a.t;
    else if (a.s?.length) out[name] = new TextDecoder().decode(a.s);
    else if (a.type === 1) out[name] = a.f;
    else if (a.type === 2) out[name] = toNumber(a.i);
    else out[name] = a.f || toNumber(a.i);
  }
  return out;
}
