import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import {
  cpuTrainingKernels,
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
} from '../src/engine/composed-kernels/index.js';
import { makeRng } from '../src/engine/seed.js';

before(async () => {
  tf.enableProdMode();
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const rng = makeRng(11);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);

/** Runs f on a backend with the same input values and returns plain arrays. */
async function on(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

function close(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < 1e-4, `${what}: max relative error ${worst}`);
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const convCases: {
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: Pad;
}[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 2], stride: 1, pad: 'same' },
  { x: [3, 7, 6, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [2, 9, 9, 2], f: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { x: [5, 11, 7, 4], f: [5, 2, 4, 3], stride: 1, pad: 'valid' },
  { x: [1, 8, 8, 3], f: [1, 1, 3, 5], stride: 2, pad: 'same' },
  {
    x: [2, 6, 7, 2],
    f: [3, 3, 2, 2],
    stride: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
];

test('wasm Conv2DBackpropFilter equals the cpu backend', async () => {
  for (const c of convCases) {
    const xv = rand(c.x.reduce((a, b) => a * b));
    const fv = rand(c.f.reduce((a, b) => a * b));
    const grads = (): tf.Tensor[] => {
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad))),
      );
      return g([tf.tensor4d(xv, c.x), tf.tensor4d(fv, c.f)]);
    };
    const [wasmDx, wasmDf] = await on('wasm', grads);
    const [cpuDx, cpuDf] = await on('cpu', grads);
    close(wasmDf, cpuDf, `dW ${JSON.stringify(c)}`);
    close(wasmDx, cpuDx, `dx ${JSON.stringify(c)}`);
  }
});

test('wasm depthwise convolution gradients equal the cpu backend', async () => {
  const cases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    stride: number;
    pad: 'same' | 'valid';
    dil: number;
  }[] = [
    { x: [1, 5, 5, 2], f: [3, 3, 2, 1], stride: 1, pad: 'same', dil: 1 },
    { x: [3, 7, 9, 3], f: [3, 3, 3, 2], stride: 2, pad: 'same', dil: 1 },
    { x: [2, 9, 8, 4], f: [3, 3, 4, 1], stride: 2, pad: 'valid', dil: 1 },
    { x: [2, 10, 10, 2], f: [3, 3, 2, 2], stride: 1, pad: 'same', dil: 1 }, // tfjs has no gradient for dilation > 1
    { x: [1, 6, 7, 1], f: [2, 3, 1, 3], stride: 1, pad: 'valid', dil: 1 },
  ];
  for (const c of cases) {
    const xv = rand(c.x.reduce((a, b) => a * b));
    const fv = rand(c.f.reduce((a, b) => a * b));
    const grads = (): tf.Tensor[] => {
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil))),
      );
      return g([tf.tensor4d(xv, c.x), tf.tensor4d(fv, c.f)]);
    };
    const [wasmDx, wasmDf] = await on('wasm', grads);
    const [cpuDx, cpuDf] = await on('cpu', grads);
    close(wasmDf, cpuDf, `depthwise dW ${JSON.stringify(c)}`);
    close(wasmDx, cpuDx, `depthwise dx ${JSON.stringify(c)}`);
  }
});

test('composed kernels free their intermediates', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([2, 9, 9, 3]);
  const f = tf.randomNormal([3, 3, 3, 4]);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
  tf.dispose(g([x, f]));
  const before = tf.engine().backend.numDataIds();
  for (let i = 0; i < 5; i++) tf.dispose(g([x, f]));
  assert.equal(tf.engine().backend.numDataIds(), before);
  tf.dispose([x, f]);
});

test("cpu: the composed filter gradient equals tfjs-backend-cpu's own, and frees its intermediates", async () => {
  const own = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  assert.ok(own, 'tfjs-backend-cpu registers Conv2DBackpropFilter');
  const cases = convCases.map((c) => ({
    ...c,
    xv: rand(c.x.reduce((a, b) => a * b)),
    fv: rand(c.f.reduce((a, b) => a * b)),
  }));
  const run = () =>
    Promise.all(
      cases.map((c) =>
        on('cpu', () =>
          tf.grads((x: tf.Tensor, f: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad))),
          )([tf.tensor4d(c.xv, c.x), tf.tensor4d(c.fv, c.f)]),
        ),
      ),
    );
  const reference = await run();
  registerCpuTrainingKernels();
  try {
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc, cpuTrainingKernels[0].kernelFunc);
    registerCpuTrainingKernels(); // twice is harmless
    const composed = await run();
    for (let i = 0; i < cases.length; i++) {
      close(composed[i][1], reference[i][1], `cpu dW ${JSON.stringify(convCases[i])}`);
      close(composed[i][0], reference[i][0], `cpu dx ${JSON.stringify(convCases[i])}`);
    }
    const x = tf.randomNormal([2, 9, 9, 3]);
    const f = tf.randomNormal([3, 3, 3, 4]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')),
    );
    tf.dispose(g([x, f]));
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) tf.dispose(g([x, f]));
    assert.equal(tf.engine().backend.numDataIds(), before);
    tf.dispose([x, f]);
  } finally {
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel(own);
  }
});
