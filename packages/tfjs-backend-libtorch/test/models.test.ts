/** Training steps of whole models: zero fallbacks, losses matching the cpu backend, no leaks. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import {
  type ConvLayout,
  fallbackCounts,
  getConvLayout,
  resetFallbackCounts,
  setConvAlgorithm,
  setConvLayout,
} from '../src/index.js';
import { batchTensors, syntheticBatch } from '../testing/data.js';
import { gemmSkip, setSeed, skipReason } from '../testing/helpers.js';
import { mobileNetV2Block, residualNet, simpleCnn } from '../testing/models.js';

/** One fit step (with accuracy metric), one evaluate and one predict; returns the fallbacks they caused. */
async function trainOnce(
  build: () => tfl.LayersModel,
  shape: [number, number, number],
  optimizer: string,
): Promise<Record<string, number>> {
  await tf.setBackend('libtorch');
  const model = build();
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const [x, y] = batchTensors(syntheticBatch(8, ...shape));
  resetFallbackCounts();
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  tf.dispose(model.evaluate(x, y, { batchSize: 4 }) as tf.Scalar[]);
  tf.dispose(model.predict(x) as tf.Tensor);
  const counts = fallbackCounts();
  tf.dispose([x, y]);
  model.dispose();
  return counts;
}

describe('model training steps run entirely on libtorch', { skip: skipReason }, () => {
  it('SimpleCNN with Adam and SGD', async () => {
    assert.deepEqual(await trainOnce(() => simpleCnn(), [28, 28, 1], 'adam'), {});
    assert.deepEqual(await trainOnce(() => simpleCnn(), [28, 28, 1], 'sgd'), {});
  });
  it('residual net (Add, ZeroPadding2D, AvgPool, global pool)', async () => {
    assert.deepEqual(await trainOnce(() => residualNet(), [28, 28, 1], 'adam'), {});
  });
  it('MobileNetV2 block (DepthwiseConv2D, ReLU6)', async () => {
    assert.deepEqual(await trainOnce(() => mobileNetV2Block(), [28, 28, 3], 'adam'), {});
  });
});

type Weights = { shape: number[]; values: Float32Array }[];

/** A model's initial weights, made on the cpu backend. */
async function initialWeights(build: () => tfl.LayersModel): Promise<Weights> {
  await tf.setBackend('cpu');
  const init = build();
  const weights = init.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
  init.dispose();
  return weights;
}

/** Losses of `steps` trainOnBatch calls from the given initial weights on one backend. */
async function losses(
  backend: string,
  weights: Weights,
  steps: number,
  build = () => simpleCnn([12, 12, 1]),
  shape: [number, number, number] = [12, 12, 1],
): Promise<number[]> {
  await tf.setBackend(backend);
  const model = build();
  model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const out: number[] = [];
  setSeed(7);
  for (let s = 0; s < steps; s++) {
    const [x, y] = batchTensors(syntheticBatch(4, ...shape));
    out.push((await model.trainOnBatch(x, y)) as number);
    tf.dispose([x, y]);
  }
  model.dispose();
  return out;
}

describe('SimpleCNN training matches the cpu backend', { skip: skipReason }, () => {
  it('first 20 Adam steps give the same losses (rel. tol 1e-3)', async () => {
    // 12x12 inputs keep the cpu backend's 20 steps short; the layers are SimpleCNN's.
    const weights = await initialWeights(() => simpleCnn([12, 12, 1]));
    const cpu = await losses('cpu', weights, 20);
    const native = await losses('libtorch', weights, 20);
    cpu.forEach((l, i) =>
      assert.ok(
        Math.abs(l - native[i]) <= 1e-3 * Math.max(1, Math.abs(l)),
        `step ${i}: libtorch loss ${native[i]} vs cpu ${l}\ncpu: ${cpu}\nlibtorch: ${native}`,
      ),
    );
  });
});

describe('every convolution memory order and algorithm trains as the cpu backend does', { skip: skipReason }, () => {
  // Wide enough (64 -> 128) for 'mixed' (and 'auto' without AVX-512) to run the block's 3x3 convolutions in
  // NCHW memory and the stem and the 1x1 shortcut in channels_last, so activations of both orders meet in Add,
  // padding, pooling, batch norm and their gradients.
  const nets: [string, () => tfl.LayersModel, [number, number, number]][] = [
    ['wide residual net', () => residualNet([8, 8, 1], 2, 64), [8, 8, 1]],
    ['MobileNetV2 block', () => mobileNetV2Block([8, 8, 3]), [8, 8, 3]],
  ];
  for (const [name, build, shape] of nets) {
    it(`${name}: 5 Adam steps give the same losses in each layout and as matrix products (rel. tol 1e-3)`, async () => {
      const weights = await initialWeights(build);
      const cpu = await losses('cpu', weights, 5, build, shape);
      const layoutBefore = getConvLayout();
      try {
        // Each memory order, and every (non-depthwise) convolution as a matrix product (conv_gemm.cc).
        for (const [layout, algorithm] of [
          ['auto', 'auto'],
          ['mixed', 'auto'],
          ['nchw', 'auto'],
          ['channels-last', 'auto'],
          ...(gemmSkip ? [] : ([['auto', 'gemm']] as const)), // the product reads host memory, through oneDNN
        ] as const) {
          setConvLayout(layout);
          setConvAlgorithm(algorithm);
          const native = await losses('libtorch', weights, 5, build, shape);
          cpu.forEach((l, i) =>
            assert.ok(
              Math.abs(l - native[i]) <= 1e-3 * Math.max(1, Math.abs(l)),
              `${layout}, ${algorithm}, step ${i}: libtorch loss ${native[i]} vs cpu ${l}\ncpu: ${cpu}\nlibtorch: ${native}`,
            ),
          );
        }
      } finally {
        setConvLayout(layoutBefore);
        setConvAlgorithm('auto');
      }
    });
  }
  it('an unknown layout is refused by name', () => {
    assert.throws(
      () => setConvLayout('nhwc' as ConvLayout),
      /unknown convolution layout 'nhwc'; use one of auto, channels-last, nchw, mixed/,
    );
  });
  it('TFJS_LIBTORCH_CONV_LAYOUT sets the layout at registration; an unknown one fails it, saying why', () => {
    const index = pathToFileURL(path.resolve(import.meta.dirname, '../src/index.js')).href;
    const child = (layout: string) => {
      const script = `import * as tf from '@tensorflow/tfjs-core';
        import { registerLibtorchBackend, getConvLayout } from ${JSON.stringify(index)};
        const r = registerLibtorchBackend({ threads: 1 });
        let y = null;
        if (r.ok) {
          await tf.setBackend('libtorch');
          y = Array.from(await tf.conv2d(tf.ones([1, 3, 3, 2]), tf.ones([1, 1, 2, 4]), 2, 'valid').data());
        }
        console.log(JSON.stringify({ r, layout: getConvLayout(), y }));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, TFJS_LIBTORCH_CONV_LAYOUT: layout },
      });
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
    };
    assert.deepEqual(child('nchw'), {
      r: { ok: true },
      layout: 'nchw',
      y: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    });
    const bad = child('sideways');
    assert.equal(bad.r.ok, false);
    assert.match(
      bad.r.reason,
      /TFJS_LIBTORCH_CONV_LAYOUT='sideways' is not a convolution layout; use one of auto, channels-last, nchw, mixed/,
    );
  });
});

describe('no leaks', { skip: skipReason }, () => {
  it('1,000 training steps keep numTensors and RSS bounded (RSS growth < 64 MiB after warm-up)', async () => {
    await tf.setBackend('libtorch');
    const model = simpleCnn([12, 12, 1]);
    const optimizer = tf.train.adam(1e-3);
    const [x, y] = batchTensors(syntheticBatch(4, 12, 12, 1));
    const step = () =>
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        false,
      );
    for (let i = 0; i < 50; i++) step();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    const bytes = (tf.memory() as { numBytesInLibtorch?: number }).numBytesInLibtorch;
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.engine().backend.numDataIds(), dataIds);
    assert.equal((tf.memory() as { numBytesInLibtorch?: number }).numBytesInLibtorch, bytes);
    const grown = (process.memoryUsage().rss - rss) / 2 ** 20;
    assert.ok(grown < 64, `RSS grew by ${grown.toFixed(1)} MiB over 1,000 steps`);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});
