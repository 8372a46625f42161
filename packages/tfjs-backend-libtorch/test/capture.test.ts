/**
 * Captured training steps: the same losses and weights as plain steps (SimpleCNN, a residual net, a MobileNetV2
 * block, ResNet-18, dropout from the backend's generator), a learning-rate schedule followed, what cannot be
 * captured refused with the reason (random numbers written by JavaScript, a tensor the caller replaces), other
 * batch sizes replayed after one recording when their step has the captured one's form (else run plainly), and
 * nothing leaks.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { type CaptureStatus, type LibtorchBackend, StepCapture } from '../src/index.js';
import { capturedSimpleCnn } from '../testing/captured-step.js';
import { type Batch, syntheticBatch } from '../testing/data.js';
import { cpuOnlySkip, hostLoopsOn, hostLoopsSkip, setSeed, withConvLayout } from '../testing/helpers.js';
import { mobileNetV2Block, residualNet, resnet18, simpleCnn } from '../testing/models.js';

type Build = () => tfl.LayersModel;

interface Run {
  losses: number[];
  weights: Float32Array[];
  status: CaptureStatus | null;
  /** Steps replayed (captured runs). */
  replays: number;
}

interface Setup {
  build: Build;
  shape: [number, number, number];
  steps: number;
  batch?: number;
  /** Batch sizes by step (default all `batch`). */
  sizes?: number[];
  optimizer?: (rate: number) => tf.Optimizer;
  /** The learning-rate factor of each step (a schedule); 1 by default. */
  rate?: (step: number) => number;
  /** How a step sets the optimizer's rate (Adam: its field; SGD: setLearningRate). */
  setRate?: (o: tf.Optimizer, rate: number) => void;
  /**
   * Dropout on the logits with the native mask (LibtorchDropoutMask) at this keep probability, the generator
   * seeded alike for both runs; `unusedDraw`: a mask is also drawn that nothing uses.
   */
  dropout?: { keep: number; unusedDraw?: boolean };
  /** A batch under 8 images takes one op more (JavaScript deciding on the batch's shape). */
  smallBatchExtraOp?: boolean;
}

const BASE_RATE = 1e-3;

function batches(s: Setup): Batch[] {
  setSeed(11);
  return Array.from({ length: s.steps }, (_, i) => syntheticBatch(s.sizes?.[i] ?? s.batch ?? 8, ...s.shape));
}

/** Trains a fresh model from fixed initial weights on fixed batches, plainly or with a StepCapture. */
async function train(s: Setup, weights: tf.Tensor[], capture: boolean): Promise<Run> {
  await tf.setBackend('libtorch');
  const model = s.build();
  model.setWeights(weights);
  const optimizer = (s.optimizer ?? ((r) => tf.train.adam(r)))(BASE_RATE);
  const setRate = s.setRate ?? ((o, r) => ((o as unknown as { learningRate: number }).learningRate = r));
  const stepper = capture ? new StepCapture() : null;
  (tf.backend() as LibtorchBackend).setRandomSeed(21);
  const mask = (shape: number[]) =>
    tf.engine().runKernel('LibtorchDropoutMask', {}, {
      keep: s.dropout!.keep,
      shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const forward = (x: tf.Tensor): tf.Tensor => {
    const logits = model.apply(x, { training: true }) as tf.Tensor;
    if (!s.dropout) return logits;
    if (s.dropout.unusedDraw) mask([x.shape[0], 5]);
    return tf.mul(logits, mask(logits.shape));
  };
  const output = (x: tf.Tensor): tf.Tensor =>
    s.smallBatchExtraOp && x.shape[0] < 8 ? tf.mul(forward(x), 0.5) : forward(x);
  const losses: number[] = [];
  let current = 1;
  for (const [i, b] of batches(s).entries()) {
    // As a trainer does: the rate is set when the schedule changes it.
    const factor = s.rate?.(i) ?? 1;
    if (factor !== current) setRate(optimizer, BASE_RATE * factor);
    current = factor;
    const x = tf.tensor4d(b.x, b.shape);
    const y = tf.tensor2d(b.y, [b.shape[0], b.y.length / b.shape[0]]);
    const loss = tf.tidy(() => {
      const body = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, output(x)) as tf.Scalar, true)!;
      return stepper ? stepper.step([x, y], factor, body) : body();
    });
    losses.push(loss.dataSync()[0]);
    tf.dispose([loss, x, y]);
  }
  const out = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const status = stepper?.status ?? null;
  const replays = stepper?.replays ?? 0;
  stepper?.dispose();
  optimizer.dispose();
  model.dispose();
  return { losses, weights: out, status, replays };
}

/** Plain and captured training from the same start; asserts they agree, returns the captured run. */
async function sameAsPlain(s: Setup, tolerance = 1e-5): Promise<Run> {
  await tf.setBackend('libtorch');
  const init = s.build();
  const weights = init.getWeights().map((w) => w.clone());
  init.dispose();
  const plain = await train(s, weights, false);
  const captured = await train(s, weights, true);
  tf.dispose(weights);
  assert.equal(captured.losses.length, plain.losses.length);
  plain.losses.forEach((l, i) =>
    assert.ok(
      Math.abs(l - captured.losses[i]) <= tolerance * Math.max(1, Math.abs(l)),
      `step ${i}: loss ${captured.losses[i]} captured, ${l} plain`,
    ),
  );
  plain.weights.forEach((w, k) => {
    let worst = 0;
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - captured.weights[k][j]));
    assert.ok(worst <= tolerance, `weight ${k}: differs by ${worst}`);
  });
  return captured;
}

const captured = (r: Run) => {
  assert.equal(r.status?.kind, 'captured', JSON.stringify(r.status));
};

describe('captured training steps', { skip: cpuOnlySkip }, () => {
  it('SimpleCNN: replayed steps give the losses and weights of plain steps', async () => {
    const r = await sameAsPlain({ build: () => simpleCnn([16, 16, 1]), shape: [16, 16, 1], steps: 8 });
    captured(r);
    // Each block's ReLU and max-pool gradients run as one op, and its BatchNorm, ReLU and max pool as another
    // (our host loop: not with them off).
    assert.equal((r.status as { fused: number }).fused, hostLoopsOn ? 6 : 3);
  });

  it('a residual net and a MobileNetV2 block (depthwise, ReLU6, Add) likewise', async () => {
    captured(await sameAsPlain({ build: () => residualNet([16, 16, 1]), shape: [16, 16, 1], steps: 6 }));
    captured(await sameAsPlain({ build: () => mobileNetV2Block([16, 16, 3]), shape: [16, 16, 3], steps: 6 }));
  });

  it('ResNet-18 (28) likewise', async () => {
    captured(await sameAsPlain({ build: () => resnet18([28, 28, 1]), shape: [28, 28, 1], steps: 4, batch: 4 }, 1e-4));
  });

  it('follows a learning-rate schedule given as the rate factor, and replays other batch sizes after one recording', async () => {
    // Step 0 plain, 1 and 2 recorded; each other size recorded at its first batch, replayed from its second.
    const sizes = [8, 8, 8, 8, 5, 8, 8, 5, 3, 8, 5, 3];
    const r = await sameAsPlain({
      build: () => simpleCnn([16, 16, 1]),
      shape: [16, 16, 1],
      steps: sizes.length,
      rate: (i) => 1 - 0.05 * i,
      sizes,
    });
    captured(r);
    assert.equal(r.replays, 7);
  });

  it('a batch size whose step differs in form from the captured one runs plainly', async () => {
    const sizes = [8, 8, 8, 5, 8, 5, 8, 5];
    const r = await sameAsPlain({
      build: () => simpleCnn([16, 16, 1]),
      shape: [16, 16, 1],
      steps: sizes.length,
      sizes,
      smallBatchExtraOp: true,
    });
    captured(r);
    // Only the full batches after the two recordings: 4 and 6.
    assert.equal(r.replays, 2);
  });

  it('momentum SGD: its rate tensor, replaced when the rate changes, makes the replay stop (and stay right)', async () => {
    const r = await sameAsPlain({
      build: () => simpleCnn([16, 16, 1]),
      shape: [16, 16, 1],
      steps: 7,
      optimizer: (rate) => tf.train.momentum(rate, 0.9),
      setRate: (o, rate) => (o as tf.SGDOptimizer).setLearningRate(rate),
      rate: (i) => (i < 5 ? 1 : 0.5),
    });
    assert.equal(r.status?.kind, 'refused');
    assert.match((r.status as { reason: string }).reason, /replay failed: .*disposed/);
  });

  it("dropout from the backend's generator: replay draws fresh masks, the ones plain steps draw", async () => {
    const simple = { build: () => simpleCnn([16, 16, 1]), shape: [16, 16, 1] as [number, number, number], steps: 8 };
    captured(await sameAsPlain({ ...simple, dropout: { keep: 0.5 } }));
    // A draw nothing uses still runs: leaving it out would shift every later draw.
    captured(await sameAsPlain({ ...simple, dropout: { keep: 0.8, unusedDraw: true } }));
  });

  it('a failed replay leaves the generator as the plain step that then runs needs it', async () => {
    const r = await sameAsPlain({
      build: () => simpleCnn([16, 16, 1]),
      shape: [16, 16, 1],
      steps: 7,
      optimizer: (rate) => tf.train.momentum(rate, 0.9),
      setRate: (o, rate) => (o as tf.SGDOptimizer).setLearningRate(rate),
      rate: (i) => (i < 5 ? 1 : 0.5),
      dropout: { keep: 0.5 },
    });
    assert.match((r.status as { reason: string }).reason, /replay failed: .*disposed/);
  });

  it("tfjs' own dropout (its mask drawn in JavaScript and written) is refused with the reason, and trains as before", async () => {
    const build = () => {
      const m = simpleCnn([16, 16, 1]);
      const out = tfl.layers.dropout({ rate: 0.5 }).apply(m.outputs[0]) as tfl.SymbolicTensor;
      return tfl.model({ inputs: m.inputs, outputs: out });
    };
    await tf.setBackend('libtorch');
    const init = build();
    const weights = init.getWeights().map((w) => w.clone());
    init.dispose();
    const r = await train({ build, shape: [16, 16, 1], steps: 5 }, weights, true);
    tf.dispose(weights);
    assert.equal(r.status?.kind, 'refused');
    assert.match((r.status as { reason: string }).reason, /cpu fallback|changes between steps|reads tensor values/);
    assert.ok(r.losses.every(Number.isFinite));
  });

  it('200 replayed steps leak no tensors', async () => {
    await tf.setBackend('libtorch');
    const run = capturedSimpleCnn();
    for (let i = 0; i < 10; i++) run.step().dispose();
    assert.equal(run.stepper.status.kind, 'captured');
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 200; i++) run.step().dispose();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.memory().numBytes, bytes);
    run.dispose();
  });

  it('MEDCNN_REPLAY_PROFILE=1: the time of each replayed op, printed when the capture is released', () => {
    const child = path.join(import.meta.dirname, '../testing/profile-child.js');
    const run = (profile: string) =>
      spawnSync(process.execPath, [child], {
        encoding: 'utf8',
        env: { ...process.env, MEDCNN_REPLAY_PROFILE: profile },
      });
    const on = run('1');
    assert.equal(on.status, 0, on.stderr);
    assert.equal(on.stdout.trim(), 'captured');
    // 8 steps: one plain, two recorded, five replayed.
    assert.match(on.stderr, /replay profile: \d+ ops, 5 replays, [\d.]+ ms a step in ops/);
    assert.match(on.stderr, / {2}op \d+ conv2d \[8, 16, 16, 1\]: [\d.e-]+ ms/);
    const off = run('0');
    assert.equal(off.status, 0, off.stderr);
    assert.doesNotMatch(off.stderr, /replay profile/);
  });
});

describe('fused ops of a captured step', { skip: cpuOnlySkip }, () => {
  it("max_pool_grad_relu gives ReLU's gradient of max_pool_grad's, bit for bit (negatives, zeros, NaN; two geometries)", async () => {
    await tf.setBackend('libtorch');
    const b = tf.backend() as LibtorchBackend;
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    setSeed(3);
    const r = tf.tidy((): tf.Tensor4D => {
      const v = tf.randomNormal([2, 8, 8, 3]);
      // Some exact zeros and a NaN, where ReLU's gradient has its edge cases.
      const zeros = tf.cast(tf.greater(tf.randomUniform([2, 8, 8, 3]), 0.8), 'float32');
      const nan = tf.pad(tf.tensor4d([Number.NaN], [1, 1, 1, 1]), [
        [0, 1],
        [2, 5],
        [3, 4],
        [1, 1],
      ]);
      return tf.add(tf.mul(v, tf.sub(1, zeros)), tf.where(tf.isNaN(nan), nan, tf.zerosLike(nan)));
    });
    for (const [size, stride, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
    ] as const) {
      const x = tf.relu(r);
      const y = tf.maxPool(x, size, stride, pad);
      const dy = tf.randomNormal(y.shape);
      const geom = {
        filterHeight: size,
        filterWidth: size,
        strideHeight: stride,
        strideWidth: stride,
        ...(pad === 'valid'
          ? { padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 }
          : { padTop: 0, padBottom: 1, padLeft: 0, padRight: 1 }),
      };
      const gx = b.run1('max_pool_grad', [info(dy), info(x), info(y)], geom, 'float32');
      const apart = b.run1('relu_grad', [gx, info(r)], {});
      const fused = b.run1('max_pool_grad_relu', [info(dy), info(x), info(y)], geom, 'float32');
      const want = new Uint32Array((b.readSync(apart.dataId) as Float32Array).buffer.slice(0));
      const got = new Uint32Array((b.readSync(fused.dataId) as Float32Array).buffer.slice(0));
      assert.deepEqual(got, want, `${size}x${size} stride ${stride} ${pad}`);
      assert.ok(
        want.some((bits, i) => bits !== 0 && got[i] === bits),
        'some gradient passes',
      );
      for (const t of [gx, apart, fused]) b.disposeData(t.dataId);
      tf.dispose([x, y, dy]);
    }
    r.dispose();
  });

  it('ReLU keeps -0 and NaN (the rule batch_norm_relu_max_pool applies: 0 only where v < 0)', async () => {
    await tf.setBackend('libtorch');
    const x = tf.tensor1d([-0, Number.NaN, -1, 2, 0]);
    const y = tf.relu(x);
    assert.deepEqual(Array.from(new Uint32Array(y.dataSync().slice().buffer)), [
      0x80000000,
      new Uint32Array(new Float32Array([Number.NaN]).buffer)[0],
      0,
      new Uint32Array(new Float32Array([2]).buffer)[0],
      0,
    ]);
    tf.dispose([x, y]);
  });

  it("batch_norm_relu_max_pool gives max_pool(relu(batch_norm_training)) bit for bit, and its tiled gradient max_pool_grad_relu's (16, 3, 20 channels, odd sizes, a NaN, NCHW memory)", {
    skip: hostLoopsSkip,
  }, async () => {
    await tf.setBackend('libtorch');
    const b = tf.backend() as LibtorchBackend;
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    const bits = (t: { dataId: object }) => new Uint32Array((b.readSync(t.dataId) as Float32Array).slice().buffer);
    const geom = (k: number) => ({
      filterHeight: k,
      filterWidth: k,
      strideHeight: k,
      strideWidth: k,
      padTop: 0,
      padBottom: 0,
      padLeft: 0,
      padRight: 0,
    });
    setSeed(5);
    const cases: [[number, number, number, number], number, string][] = [
      [[4, 8, 8, 16], 2, 'rows, 16 channels'],
      [[3, 7, 9, 3], 2, 'rows, 3 channels, odd sizes'],
      [[2, 9, 6, 20], 3, 'rows, 20 channels, 3x3 windows'],
      [[2, 6, 6, 64], 2, "NCHW memory (a 3x3 64-channel convolution writes it under layout 'mixed')"],
    ];
    for (const [shape, k, what] of cases) {
      const C = shape[3];
      const x = tf.tidy(() => {
        if (C === 64) {
          return withConvLayout('mixed', () =>
            tf.conv2d(tf.randomNormal(shape) as tf.Tensor4D, tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D, 1, 'same'),
          );
        }
        // Channel 1 holds a NaN: its statistics, and so all its values, are NaN.
        const v = tf.add(tf.randomNormal(shape), 0.3);
        const nan = tf.buffer(shape, 'bool');
        nan.set(true, 0, 1, 1, 1);
        return tf.where(nan.toTensor(), tf.fill(shape, Number.NaN), v);
      });
      const gamma = tf.randomUniform([C], 0.5, 1.5),
        beta = tf.randomNormal([C]);
      const [y, ...stats] = b.run(
        'batch_norm_training',
        [info(x), info(gamma), info(beta)],
        { epsilon: 1e-3 },
        'float32',
      );
      const r = b.run1('relu', [y], {});
      const pooled = b.run1('max_pool', [r], geom(k), 'float32');
      const [fusedPooled, ...fusedStats] = b.run(
        'batch_norm_relu_max_pool',
        [info(x), info(gamma), info(beta)],
        { epsilon: 1e-3, ...geom(k) },
        'float32',
      );
      assert.deepEqual(bits(fusedPooled), bits(pooled), `${what}: pooled values`);
      stats.forEach((t, i) => assert.deepEqual(bits(fusedStats[i]), bits(t), `${what}: statistic ${i}`));
      const dy = tf.randomNormal(pooled.shape);
      const grad = b.run1('max_pool_grad_relu', [info(dy), r, pooled], geom(k), 'float32');
      const fusedGrad = b.run1('max_pool_grad_relu_tiled', [info(dy), info(x), fusedPooled], geom(k), 'float32');
      assert.deepEqual(bits(fusedGrad), bits(grad), `${what}: gradient`);
      const values = b.readSync(grad.dataId) as Float32Array;
      assert.ok(
        values.some((v) => v !== 0 && Number.isFinite(v)),
        `${what}: some gradient passes`,
      );
      if (C !== 64) assert.ok((b.readSync(pooled.dataId) as Float32Array).some(Number.isNaN), `${what}: the NaN`);
      for (const t of [y, ...stats, r, pooled, fusedPooled, ...fusedStats, grad, fusedGrad]) b.disposeData(t.dataId);
      tf.dispose([x, gamma, beta, dy]);
    }
  });
});
