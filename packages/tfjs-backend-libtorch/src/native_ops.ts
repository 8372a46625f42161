/**
 * Every native op the kernels call, with its attributes by name, in the order its TL_OP in
 * native/kernels/*.cc declares them; a name ending in [] is a list of numbers. Kernels pass attributes
 * as an object with these names (typed by OpAttrs); the backend sends them to the addon in this order.
 * registerLibtorchBackend compares this table with the addon's (opNames, opAttributes): a missing op or
 * a renamed, added, dropped or reordered attribute refuses the backend at load, naming it.
 */

// The attributes every convolution op starts with (CONV_GEOMETRY_ATTRS in native/kernels/conv_common.h).
const CONV_GEOMETRY = [
  'strideHeight',
  'strideWidth',
  'padTop',
  'padBottom',
  'padLeft',
  'padRight',
  'dilationHeight',
  'dilationWidth',
  'depthwise',
] as const;
// The attributes of every pooling op (POOL_GEOMETRY_ATTRS in native/kernels/pool.cc).
const POOL_GEOMETRY = [
  'filterHeight',
  'filterWidth',
  'strideHeight',
  'strideWidth',
  'padTop',
  'padBottom',
  'padLeft',
  'padRight',
] as const;
// A fused activation after a convolution or a matrix product (codes: ACTIVATIONS in kernel_utils.ts).
const FUSED_ACTIVATION = ['activation', 'leakyreluAlpha', 'hasBias', 'hasPrelu'] as const;

export const NATIVE_OPS = {
  // unary.cc
  identity: [],
  neg: [],
  abs: [],
  exp: [],
  expm1: [],
  log: [],
  log1p: [],
  sqrt: [],
  rsqrt: [],
  square: [],
  reciprocal: [],
  relu: [],
  relu6: [],
  elu: [],
  selu: [],
  sigmoid: [],
  softplus: [],
  tanh: [],
  sin: [],
  cos: [],
  erf: [],
  floor: [],
  ceil: [],
  round: [],
  sign: [],
  is_nan: [],
  is_inf: [],
  is_finite: [],
  logical_not: [],
  zeros_like: [],
  ones_like: [],
  step: ['alpha'],
  leaky_relu: ['alpha'],
  clip: ['min', 'max'],
  cast: [],
  // binary.cc
  add: [],
  sub: [],
  mul: [],
  div: [],
  floor_div: [],
  mod: [],
  maximum: [],
  minimum: [],
  pow: [],
  squared_difference: [],
  atan2: [],
  equal: [],
  not_equal: [],
  greater: [],
  greater_equal: [],
  less: [],
  less_equal: [],
  logical_and: [],
  logical_or: [],
  logical_xor: [],
  prelu: [],
  relu_grad: [],
  relu6_grad: [],
  elu_grad: [],
  silu_grad: [],
  gelu_grad: [],
  add_n: [],
  select: [],
  // reduce.cc
  sum: ['keepDims', 'axes[]'],
  mean: ['keepDims', 'axes[]'],
  max: ['keepDims', 'axes[]'],
  min: ['keepDims', 'axes[]'],
  prod: ['keepDims', 'axis'],
  all: ['keepDims', 'axis'],
  any: ['keepDims', 'axis'],
  arg_max: ['axis'],
  arg_min: ['axis'],
  mean_grad: ['count', 'expanded[]', 'shape[]'],
  // shape.cc
  reshape: ['shape[]'],
  transpose: ['perm[]'],
  slice: ['begin[]', 'size[]'],
  concat: ['axis'],
  stack: ['axis'],
  unstack: ['axis'],
  split: ['sizes[]', 'axis'],
  tile: ['reps[]'],
  pad: ['value', 'paddings[]'],
  reverse: ['axes[]'],
  gather: ['axis'],
  one_hot: ['depth', 'onValue', 'offValue'],
  fill: ['value', 'shape[]'],
  // conv2d.cc, conv2d_backprop_filter.cc, conv2d_backprop_input.cc
  conv2d: [...CONV_GEOMETRY, ...FUSED_ACTIVATION],
  conv2d_backprop_filter: [...CONV_GEOMETRY, 'filterShape[]'],
  conv2d_backprop_input: [...CONV_GEOMETRY, 'inputShape[]'],
  // matmul.cc
  matmul: ['transposeA', 'transposeB', ...FUSED_ACTIVATION],
  // pool.cc
  max_pool: POOL_GEOMETRY,
  max_pool_grad: POOL_GEOMETRY,
  max_pool_grad_relu: POOL_GEOMETRY,
  max_pool_grad_relu_tiled: POOL_GEOMETRY,
  avg_pool: POOL_GEOMETRY,
  avg_pool_grad: POOL_GEOMETRY,
  // batch_norm*.cc
  batch_norm: ['varianceEpsilon', 'hasOffset', 'hasScale'],
  batch_norm_grad: ['varianceEpsilon', 'hasScale', 'which'],
  batch_norm_training: ['epsilon'],
  batch_norm_training_grad: ['epsilon'],
  batch_norm_relu_max_pool: ['epsilon', ...POOL_GEOMETRY],
  // softmax.cc, resize_bilinear.cc, transform.cc, random.cc, intensity.cc
  softmax: [],
  resize_bilinear: ['outHeight', 'outWidth', 'alignCorners', 'halfPixelCenters'],
  resize_bilinear_grad: ['alignCorners', 'halfPixelCenters'],
  transform: ['interpolation', 'fillMode', 'fillValue', 'outHeight', 'outWidth'],
  random_normal: ['seed', 'shape[]'],
  dropout_mask: ['keep', 'shape[]'],
  intensity: ['black', 'white', 'codes[]', 'seeds[]'],
  // optimizers.cc (weightDecay: 0 for none; decoupled: AdamW's x·(1 − lr·wd) instead of L2's g + wd·x)
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'decoupled'],
  sgd: ['learningRate', 'weightDecay', 'decoupled'],
  momentum: ['learningRate', 'weightDecay', 'decoupled', 'nesterov'],
} as const satisfies Record<string, readonly string[]>;

/** The name of a native op. */
export type NativeOp = keyof typeof NATIVE_OPS;

type AttrName<S extends string> = S extends `${infer N}[]` ? N : S;
type AttrValue<S extends string> = S extends `${string}[]` ? readonly number[] : number | boolean;

/** The attributes of native op O by name: a number (a boolean is sent as 1 or 0), or a list of numbers. */
export type OpAttrs<O extends NativeOp> = O extends NativeOp
  ? { [S in (typeof NATIVE_OPS)[O][number] as AttrName<S>]: AttrValue<S> }
  : never;

/** One attribute as the backend sends it. */
export interface AttrSpec {
  name: string;
  list: boolean;
}

/** The attributes of an op as the backend sends them, in order. */
export function attrSpecs(op: NativeOp): AttrSpec[] {
  return NATIVE_OPS[op].map((s: string) =>
    s.endsWith('[]') ? { name: s.slice(0, -2), list: true } : { name: s, list: false },
  );
}

/**
 * How the addon's ops (its opNames() and opAttributes(), in one order) differ from NATIVE_OPS: one line
 * per op that is missing or whose attributes differ; empty when every op the kernels call is there as
 * declared. Ops of the addon that no kernel calls are not a mismatch.
 */
export function nativeOpMismatches(names: readonly string[], attributes: readonly (readonly string[])[]): string[] {
  const addon = new Map(names.map((name, k) => [name, attributes[k] ?? []]));
  const missing = (Object.keys(NATIVE_OPS) as NativeOp[]).filter((op) => !addon.has(op));
  const problems = missing.length > 0 ? [`missing native op(s): ${missing.join(', ')}`] : [];
  for (const [op, want] of Object.entries(NATIVE_OPS)) {
    const have = addon.get(op);
    if (have && have.join(' ') !== want.join(' ')) {
      problems.push(`op '${op}' takes attributes (${have.join(', ')}) in the addon, (${want.join(', ')}) here`);
    }
  }
  return problems;
}
