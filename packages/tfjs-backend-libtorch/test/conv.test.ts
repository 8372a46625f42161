/** Convolution, depthwise convolution, pooling, batch norm and matmul against the cpu backend, with gradients. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import {
  type ConvAlgorithm,
  type ConvLayout,
  getConvLayout,
  getNumThreads,
  setConvAlgorithm,
  setConvLayout,
} from '../src/index.js';
import { compareBackends, cpuOnlySkip, gemmSkip, skipReason } from '../testing/helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: number[];
  k: number;
  cin?: number;
  cout: number;
  stride: number;
  pad: Pad;
  dil?: number;
}

const explicit: Pad = [
  [0, 0],
  [1, 2],
  [2, 1],
  [0, 0],
];
const convCases: ConvCase[] = [
  { x: [1, 7, 9, 3], k: 3, cout: 4, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 2], k: 3, cout: 5, stride: 2, pad: 'same' }, // asymmetric 'same'
  { x: [2, 9, 7, 3], k: 3, cout: 4, stride: 2, pad: 'valid' },
  { x: [1, 6, 5, 2], k: 2, cout: 3, stride: 1, pad: 'same' }, // even kernel: asymmetric
  { x: [2, 7, 7, 3], k: 3, cout: 2, stride: 1, pad: explicit },
  { x: [1, 9, 9, 2], k: 3, cout: 3, stride: 1, pad: 'same', dil: 2 },
  { x: [3, 5, 5, 1], k: 1, cout: 4, stride: 1, pad: 'valid' },
  { x: [2, 4, 4, 16], k: 3, cout: 8, stride: 1, pad: 'same' },
  // Few taps (C * k * k <= 32) and 8 or more channels out: 'auto' runs the forward pass as a direct loop.
  { x: [2, 9, 9, 1], k: 3, cout: 16, stride: 1, pad: 'same' }, // a grayscale first layer
  { x: [2, 8, 7, 3], k: 3, cout: 20, stride: 2, pad: 'same' }, // RGB, asymmetric 'same', 16 + 4 channels out
  { x: [1, 7, 7, 1], k: 3, cout: 17, stride: 1, pad: explicit },
  { x: [1, 12, 11, 1], k: 5, cout: 8, stride: 1, pad: 'same', dil: 2 },
  // 3x3 with 64 x 64 channels and more: NCHW memory under 'mixed' (oneDNN's blocked kernels); 1x1: channels_last
  { x: [2, 5, 5, 64], k: 3, cout: 64, stride: 1, pad: 'same' },
  { x: [1, 8, 8, 64], k: 3, cout: 72, stride: 2, pad: 'valid' },
  { x: [1, 6, 7, 64], k: 3, cout: 64, stride: 2, pad: 'same' }, // asymmetric 'same'
  { x: [1, 5, 5, 64], k: 1, cout: 128, stride: 2, pad: 'valid' },
  // Strided 1x1 over fewer channels than oneDNN's block: its filter gradient runs in NCHW memory (see
  // conv2d_backprop_filter.cc; in channels_last, oneDNN 3.7 wrote past its scratchpad and crashed).
  { x: [4, 16, 16, 8], k: 1, cout: 16, stride: 2, pad: 'valid' },
];

/** Runs `body` with convolutions forced to `algorithm`, then back to 'auto'. */
async function withAlgorithm(algorithm: ConvAlgorithm, body: () => Promise<void>): Promise<void> {
  setConvAlgorithm(algorithm);
  try {
    await body();
  } finally {
    setConvAlgorithm('auto');
  }
}

describe('conv2d', { skip: skipReason }, () => {
  convTests('auto');
});

// 'auto' runs every convolution channels_last on a CPU with AVX-512; 'mixed' keeps the wide 3x3 ones in NCHW
// memory (oneDNN's blocked kernels), as 'auto' does elsewhere.
describe("conv2d in NCHW memory (layout 'mixed')", { skip: skipReason }, () => {
  let layoutBefore: ConvLayout;
  before(() => {
    layoutBefore = getConvLayout();
    setConvLayout('mixed');
  });
  after(() => setConvLayout(layoutBefore));
  for (const c of convCases.filter((c) => c.k > 1 && Math.min(c.x[3], c.cout) >= 64))
    it(`forward and gradients ${caseName(c)}`, () => compareConv(c, 1e-4, 1e-3));
});

// The same cases with every convolution as one matrix product over im2col columns (conv_gemm.cc), which
// 'auto' uses only for small output maps.
describe('conv2d as a matrix product', { skip: gemmSkip }, () => {
  convTests('gemm');
  // ResNet's last-stage sizes, where 'auto' itself picks the product (with one image, for all three passes):
  // 3x3 512 -> 512 on 4x4, strided 3x3 256 -> 512 to 4x4.
  const big: ConvCase[] = [
    { x: [1, 4, 4, 512], k: 3, cout: 512, stride: 1, pad: 'same' },
    {
      x: [1, 7, 7, 256],
      k: 3,
      cout: 512,
      stride: 2,
      pad: [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    },
  ];
  for (const c of big) {
    // Sums of 2,304-4,608 products: both engines round differently, by up to ~1e-4 of the largest terms.
    it(`auto rule: forward and gradients ${caseName(c)}`, async () => {
      await compareConv(c, 1e-3, 1e-3);
    });
  }
  it('an unknown algorithm is refused by name', () => {
    assert.throws(
      () => setConvAlgorithm('winograd' as ConvAlgorithm),
      /unknown convolution algorithm 'winograd'; use one of auto, onednn, gemm/,
    );
  });
});

describe("the matrix-product algorithm on Debian's libtorch", { skip: cpuOnlySkip }, () => {
  it('is there (oneDNN in a shared libdnnl), so that the tests above cannot skip there unnoticed', (t) => {
    const { find } = createRequire(import.meta.url)('../../scripts/libtorch-path.cjs') as {
      find(): { source?: string };
    };
    const source = find().source;
    if (source !== "Debian's libtorch-dev") return t.skip(`built against ${source}`);
    assert.equal(gemmSkip, false);
  });
});

function caseName(c: ConvCase): string {
  return `x[${c.x}] k${c.k} c${c.cout} s${c.stride} ${JSON.stringify(c.pad)} d${c.dil ?? 1}`;
}

/** conv2d of case `c` and its two gradients, native against cpu. */
async function compareConv(c: ConvCase, tol: number, gradTol: number): Promise<void> {
  const name = caseName(c);
  const w = [c.k, c.k, c.x[3], c.cout];
  const conv = (x: tf.Tensor, f: tf.Tensor) =>
    tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil ?? 1);
  await compareBackends(`conv ${name}`, conv, [{ shape: c.x }, { shape: w }], tol);
  // tfjs has no gradient for dilated conv2d.
  if ((c.dil ?? 1) === 1)
    await compareBackends(
      `conv grads ${name}`,
      (x, f, dy) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([x, f]),
      [{ shape: c.x }, { shape: w }, { shape: tf.tidy(() => conv(tf.zeros(c.x), tf.zeros(w)).shape) }],
      gradTol,
    );
}

function convTests(algorithm: ConvAlgorithm): void {
  for (const c of convCases) {
    it(`forward and gradients ${caseName(c)}`, () => withAlgorithm(algorithm, () => compareConv(c, 1e-4, 1e-3)));
  }
  it('fused conv2d with bias and activations, and its gradients', () =>
    withAlgorithm(algorithm, async () => {
      for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const) {
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: b,
            activation,
            leakyreluAlpha: 0.1,
          });
        await compareBackends(`fused ${activation}`, f, [
          { shape: [2, 5, 5, 3] },
          { shape: [3, 3, 3, 4] },
          { shape: [4] },
        ]);
        // 16 channels out: the direct loop under 'auto', its bias added in the loop.
        await compareBackends(`fused ${activation}, 16 out`, f, [
          { shape: [2, 6, 5, 3] },
          { shape: [3, 3, 3, 16] },
          { shape: [16] },
        ]);
        if (activation !== 'leakyrelu') {
          await compareBackends(
            `fused grads ${activation}`,
            (x, w, b) =>
              tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.square(f(p, q, r))))([x, w, b]),
            [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
            1e-3,
          );
        }
      }
    }));
}

describe('activations in NCHW memory', { skip: skipReason }, () => {
  // A 3x3 64 -> 64 convolution writes its output in NCHW memory (layout 'mixed'); every kernel after it must
  // read it as the NHWC tensor it is, and keep or change its order without changing its values.
  let layoutBefore: ConvLayout;
  before(() => {
    layoutBefore = getConvLayout();
    setConvLayout('mixed');
  });
  after(() => setConvLayout(layoutBefore));
  const parts = (x: tf.Tensor, w: tf.Tensor): tf.Tensor[] => {
    const y = tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'));
    return [
      y,
      tf.pad(y, [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ]),
      tf.slice(y, [0, 1, 1, 0], [2, 4, 3, 64]),
      tf.maxPool(y, 2, 2, 'same'),
      tf.avgPool(y, 3, 2, 'same'),
      tf.reshape(y, [2, -1]),
      tf.transpose(y, [0, 3, 1, 2]),
      tf.concat([y, tf.relu(x)], 3),
      tf.image.resizeBilinear(y, [4, 4]),
      tf.batchNorm(y, tf.fill([64], 0.1), tf.fill([64], 2), tf.fill([64], 0.3), tf.fill([64], 1.5)),
      tf.mean(y, [1, 2]),
      tf.add(y, tf.conv2d(y, w as tf.Tensor4D, 1, 'same')),
      tf.mul(y, tf.reshape(tf.range(0, 6), [1, 6, 1, 1])),
      tf.reverse(y, [2]),
    ];
  };
  const specs = [{ shape: [2, 6, 6, 64] }, { shape: [3, 3, 64, 64], range: [-0.05, 0.05] as [number, number] }];
  it('pad, slice, pooling, reshape, transpose, concat, resize, batch norm, reductions, broadcasting', async () => {
    // Range (a constant made in the compared function) is not native.
    await compareBackends('after an NCHW conv', parts, specs, 1e-4, { allowFallback: ['Range'] });
  });
  it('and their gradients', async () => {
    await compareBackends(
      'gradients after an NCHW conv',
      (x, w) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.addN(parts(a, b).map((p) => tf.mean(tf.square(p)))))([x, w]),
      specs,
      1e-3,
      { allowFallback: ['Range', 'SplitV'] }, // a constant, and the gradient of concat: not native
    );
  });
});

describe('depthwise conv2d', { skip: skipReason }, () => {
  const cases: ConvCase[] = [
    { x: [1, 7, 7, 3], k: 3, cout: 1, stride: 1, pad: 'same' },
    { x: [2, 8, 8, 4], k: 3, cout: 2, stride: 2, pad: 'same' },
    { x: [2, 9, 7, 2], k: 3, cout: 1, stride: 2, pad: 'valid' },
    { x: [1, 9, 9, 2], k: 3, cout: 1, stride: 1, pad: 'same', dil: 2 },
    { x: [2, 7, 7, 3], k: 3, cout: 2, stride: 1, pad: explicit },
  ];
  for (const c of cases) {
    const name = `x[${c.x}] m${c.cout} s${c.stride} ${JSON.stringify(c.pad)} d${c.dil ?? 1}`;
    const w = [c.k, c.k, c.x[3], c.cout];
    const conv = (x: tf.Tensor, f: tf.Tensor) =>
      tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil ?? 1);
    it(`forward and gradients ${name}`, async () => {
      await compareBackends(`dw ${name}`, conv, [{ shape: c.x }, { shape: w }]);
      if ((c.dil ?? 1) === 1) {
        await compareBackends(
          `dw grads ${name}`,
          (x, f) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a, b))))([x, f]),
          [{ shape: c.x }, { shape: w }],
          1e-3,
        );
      }
    });
  }
});

describe('pooling', { skip: skipReason }, () => {
  const cases: { x: number[]; k: number; s: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
    { x: [1, 7, 9, 2], k: 2, s: 2, pad: 'valid' },
    { x: [1, 7, 9, 2], k: 2, s: 2, pad: 'same' },
    { x: [2, 7, 7, 3], k: 3, s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], k: 3, s: 1, pad: 'same' },
    { x: [1, 5, 5, 2], k: 1, s: 1, pad: 'valid' },
    // Large enough to run on two threads (more than 2^19 input values), with a row and a column no window covers.
    { x: [16, 29, 29, 32], k: 2, s: 2, pad: 'valid' },
  ];
  for (const c of cases) {
    const name = `x[${c.x}] k${c.k} s${c.s} ${c.pad}`;
    it(`max and avg pool, forward and gradient ${name}`, async () => {
      for (const pool of [tf.maxPool, tf.avgPool]) {
        const f = (x: tf.Tensor) => pool(x as tf.Tensor4D, c.k, c.s, c.pad);
        await compareBackends(`pool ${name}`, f, [{ shape: c.x }]);
        await compareBackends(
          `pool grad ${name}`,
          (x, w) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(f(y), w)))(x),
          [{ shape: c.x }, { shape: tf.tidy(() => f(tf.zeros(c.x)).shape) }],
          1e-4,
        );
      }
    });
  }
});

describe('batch norm, matmul, resize, flip', { skip: skipReason }, () => {
  it('batchNorm forward and gradients (all inputs)', async () => {
    const bn = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
      tf.batchNorm(x, m, v, o, s, 1e-3);
    const specs = [
      { shape: [2, 3, 3, 4] },
      { shape: [4] },
      { shape: [4], range: [0.5, 2] as [number, number] },
      { shape: [4] },
      { shape: [4] },
    ];
    await compareBackends('batchNorm', bn, specs);
    await compareBackends('batchNorm no scale/offset', (x, m, v) => tf.batchNorm(x, m, v), specs.slice(0, 3));
    await compareBackends(
      'batchNorm grads',
      (...xs) =>
        tf.grads((x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
          tf.sum(tf.square(bn(x, m, v, o, s))),
        )(xs),
      specs,
      1e-3,
    );
  });
  it('matMul with transposes, batches, broadcasting; fused matMul; gradients', async () => {
    const threadsBefore = getNumThreads();
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const sa = ta ? [4, 3] : [3, 4],
        sb = tb ? [5, 4] : [4, 5];
      await compareBackends(`matMul ${ta} ${tb}`, (a, b) => tf.matMul(a, b, ta, tb), [{ shape: sa }, { shape: sb }]);
      await compareBackends(
        `matMul grads ${ta} ${tb}`,
        (a, b) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q, ta, tb))))([a, b]),
        [{ shape: sa }, { shape: sb }],
        1e-3,
      );
    }
    // Vectors and a one-wide inner dimension (strides that a row-major sgemm must read right), and operands that
    // are views of bigger tensors (a slice, a transposed slice).
    for (const [sa, sb] of [
      [
        [1, 4],
        [4, 1],
      ],
      [
        [4, 1],
        [1, 4],
      ],
      [
        [7, 1],
        [1, 5],
      ],
    ])
      for (const [ta, tb] of [
        [false, false],
        [true, true],
      ])
        await compareBackends(
          `matMul ${sa}x${sb} ${ta} ${tb}`,
          (a, b) => tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b, ta, tb),
          [{ shape: sa }, { shape: sb }],
        );
    await compareBackends(
      'matMul of slices',
      (a, b) => tf.matMul(tf.slice(a, [1, 2], [3, 4]), tf.slice(b, [0, 1], [5, 4]), false, true),
      [{ shape: [5, 7] }, { shape: [6, 6] }],
    );
    // Small products run on one thread (matmul.cc); the thread count is back afterwards.
    assert.equal(getNumThreads(), threadsBefore, 'small products leave the thread count as it was');
    await compareBackends('batched', (a, b) => tf.matMul(a, b), [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }]);
    await compareBackends('broadcast batch', (a, b) => tf.matMul(a, b), [{ shape: [2, 3, 4] }, { shape: [1, 4, 5] }]);
    for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation });
      await compareBackends(`fused matMul ${activation}`, f, [{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [5] }]);
      await compareBackends(
        `fused matMul grads ${activation}`,
        (a, b, c) => tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.square(f(p, q, r))))([a, b, c]),
        [{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [5] }],
        1e-3,
      );
    }
  });
  it('resizeBilinear in all three conventions, and its gradient', async () => {
    for (const [align, half] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      for (const size of [
        [14, 10],
        [5, 3],
        [9, 9],
      ] as [number, number][]) {
        const f = (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, size, align, half);
        await compareBackends(`resize ${size} ${align} ${half}`, f, [{ shape: [2, 7, 6, 3] }]);
        // The cpu gradient swaps height and width of non-square inputs and ignores halfPixelCenters,
        // so compare on square inputs without half-pixel centers only.
        if (half) continue;
        const g = (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, size, align, half);
        await compareBackends(
          `resize grad ${size} ${align}`,
          (x, w) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(g(y), w)))(x),
          [{ shape: [2, 7, 7, 3] }, { shape: [2, size[0], size[1], 3] }],
          1e-4,
        );
      }
    }
  });
  it('transform: every interpolation and fill mode, one row per image or one for all, other output sizes', {
    skip: cpuOnlySkip,
  }, async () => {
    // Rotations, shears, zooms and a projective row, reaching outside the image so that the fill modes matter.
    const rows = [
      [0.9, -0.3, 2.5, 0.35, 1.1, -1.7, 0, 0],
      [1.2, 0.1, -3.2, -0.2, 0.8, 4.1, 0.01, -0.02],
      [-1, 0, 6, 0, 1, 0, 0, 0],
    ];
    // tfjs-backend-cpu 4.22 fills only the first image of a batch, so the reference is one image at a time.
    const oneByOne = (
      x: tf.Tensor,
      t: tf.Tensor,
      interp: 'nearest' | 'bilinear',
      fill: 'constant' | 'reflect' | 'wrap' | 'nearest',
      size?: [number, number],
    ) =>
      tf.concat(
        tf
          .unstack(x)
          .map((img, i) =>
            tf.image.transform(
              tf.expandDims(img, 0) as tf.Tensor4D,
              tf.slice(t, [t.shape[0] === 1 ? 0 : i, 0], [1, 8]) as tf.Tensor2D,
              interp,
              fill,
              0.25,
              size,
            ),
          ),
      );
    for (const interp of ['nearest', 'bilinear'] as const) {
      for (const fill of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
        await compareBackends(
          `transform ${interp} ${fill}`,
          (x) => oneByOne(x, tf.tensor2d(rows), interp, fill),
          [{ shape: [3, 7, 6, 2] }],
          undefined,
          { allowFallback: ['ExpandDims'] }, // one image at a time (above): not native
        );
      }
    }
    await compareBackends(
      'transform one row for all',
      (x) => oneByOne(x, tf.tensor2d([rows[0]]), 'bilinear', 'reflect'),
      [{ shape: [2, 5, 5, 1] }],
      undefined,
      { allowFallback: ['ExpandDims'] },
    );
    await compareBackends(
      'transform output size',
      (x) => oneByOne(x, tf.tensor2d([rows[1]]), 'bilinear', 'constant', [9, 4]),
      [{ shape: [1, 6, 6, 3] }],
      undefined,
      { allowFallback: ['ExpandDims'] },
    );
    // Batched on native equals one image at a time on native.
    tf.setBackend('libtorch');
    const x = tf.randomUniform([3, 7, 6, 2], -1, 1, 'float32', 3);
    const t = tf.tensor2d(rows);
    const batched = await tf.image.transform(x as tf.Tensor4D, t, 'bilinear', 'reflect').data();
    const single = await oneByOne(x, t, 'bilinear', 'reflect').data();
    assert.deepEqual(Array.from(batched), Array.from(single));
    tf.dispose([x, t]);
  });
  it('flipLeftRight', async () => {
    await compareBackends('flip', (x) => tf.image.flipLeftRight(x as tf.Tensor4D), [{ shape: [2, 4, 5, 3] }]);
  });
});
