/**
 * Device placement on a CPU-only machine: setDevice('cpu'), bad names, CUDA on a libtorch without it, the check
 * that an op's inputs are on the current device (with ATen's `meta` device standing in for a GPU), the kernels
 * that refuse another device by name, cuDNN's flags, and the ATen formulations that a GPU runs instead of the
 * host-memory loops (run here on the CPU and compared with the loops).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';

import {
  checkDevice,
  cudnnFlags,
  currentDevice,
  deviceSupport,
  setCudnnBenchmark,
  setDevice,
  setWeightDecay,
  StepCapture,
} from '../src/index.js';
import { loadAddon, type NativeAddon } from '../src/native.js';
import { cpuOnlySkip, withConvLayout } from '../testing/helpers.js';

const addon = (): NativeAddon => (loadAddon() as { addon: NativeAddon }).addon;

/** Runs f with the addon placing new tensors on `device` (native names: meta too), then back on the CPU. */
function onDevice<T>(device: string, f: () => T): T {
  addon().setDevice(device);
  try {
    return f();
  } finally {
    addon().setDevice('cpu');
  }
}

describe('device placement', { skip: cpuOnlySkip }, () => {
  it("setDevice('cpu') keeps tensors and kernels on the CPU; the name is canonical", async () => {
    await tf.setBackend('libtorch');
    assert.equal(setDevice('cpu'), 'cpu');
    assert.equal(currentDevice(), 'cpu');
    assert.equal(checkDevice('cpu'), 'cpu');
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.eye(2)));
    assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
    y.dispose();
  });

  it('refuses unknown device names, in JS and in the addon, and stays where it was', () => {
    for (const bad of ['gpu', 'cuda:x', 'cpu:1', 'CUDA', '']) {
      assert.throws(() => setDevice(bad), new RegExp(`unknown device '${bad}'; use cpu, cuda or cuda:N`));
    }
    assert.throws(() => addon().setDevice('tpu'), /libtorch: device 'tpu': /);
    assert.throws(() => addon().setDevice('cpu:1'), /only cpu, cuda and cuda:N are supported/);
    assert.equal(currentDevice(), 'cpu');
  });

  it('refuses cuda on a libtorch without CUDA, saying why and how to get it', (t) => {
    if (deviceSupport()?.cudaBuilt) {
      t.skip('this libtorch has CUDA');
      return;
    }
    assert.throws(() => setDevice('cuda'), /needs a libtorch built with CUDA; .*LIBTORCH=/);
    assert.throws(() => setDevice('cuda:1'), /without CUDA/);
    // The addon's own check, for callers that skip checkDevice.
    assert.throws(
      () => addon().setDevice('cuda:0'),
      /libtorch: device 'cuda:0': this libtorch .* was built without CUDA/,
    );
    assert.equal(currentDevice(), 'cpu');
  });

  it('an op whose inputs are on another device than the current one is an error, not a silent copy', async () => {
    await tf.setBackend('libtorch');
    const a = tf.tensor1d([1, 2, 3]);
    try {
      onDevice('meta', () => {
        assert.equal(currentDevice(), 'meta');
        assert.throws(
          () => tf.add(a, a),
          /libtorch op 'add' failed for input shapes \[3\], \[3\]: input 0 is on cpu, but the backend runs on meta/,
        );
        // New tensors, written or made by a kernel with no inputs, are made on the current device.
        const b = tf.tensor1d([4, 5, 6]);
        const c = tf.fill([3], 2);
        const d = tf.add(b, c); // both on meta: runs (meta tensors have shapes, not data)
        assert.deepEqual(d.shape, [3]);
        assert.throws(() => tf.add(d, a), /input 1 is on cpu, but the backend runs on meta/);
        tf.dispose([b, c, d]);
      });
      // Back on the CPU, the CPU tensor works as before.
      assert.deepEqual(Array.from(tf.add(a, a).dataSync()), [2, 4, 6]);
    } finally {
      a.dispose();
    }
  });

  it('a kernel that loops over host memory and has no other formulation refuses another device by name', async () => {
    await tf.setBackend('libtorch');
    onDevice('meta', () => {
      const image = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
      const rows = tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]]);
      assert.throws(
        () => tf.image.transform(image, rows),
        /kernel 'transform' runs on the CPU only \(it loops over host memory\), and its input is on meta/,
      );
      tf.dispose([image, rows]);
    });
  });

  it('step capture is refused off the CPU (the step runs plainly), with the reason', async () => {
    await tf.setBackend('libtorch');
    onDevice('meta', () => {
      const x = tf.ones([2, 2]);
      const capture = new StepCapture({ warmupSteps: 0 });
      const loss = capture.step([x], 1, () => tf.sum(x));
      assert.deepEqual(capture.status, {
        kind: 'refused',
        reason: 'step capture runs on the CPU only (not yet checked on meta)',
      });
      assert.throws(() => addon().captureBegin(), /step capture runs on the CPU only \(not yet checked on meta\)/);
      tf.dispose([x, loss]);
      capture.dispose();
    });
  });

  it("cuDNN: benchmark off and deterministic by default; setCudnnBenchmark flips both (ATen's flags)", () => {
    assert.deepEqual(cudnnFlags(), { benchmark: false, deterministic: true });
    try {
      setCudnnBenchmark(true);
      assert.deepEqual(cudnnFlags(), { benchmark: true, deterministic: false });
    } finally {
      setCudnnBenchmark(false);
    }
    assert.deepEqual(cudnnFlags(), { benchmark: false, deterministic: true });
  });
});

/** Runs f with the host-memory loops on, then off (the ATen formulation a GPU takes); returns both results. */
function bothWays(f: () => tf.Tensor[]): [number[][], number[][]] {
  const run = (): number[][] => {
    const outs = f();
    const values = outs.map((t) => Array.from(t.dataSync()));
    tf.dispose(outs);
    return values;
  };
  const loops = run();
  addon().setHostLoops(false);
  try {
    return [loops, run()];
  } finally {
    addon().setHostLoops(true);
  }
}

function assertClose(a: number[][], b: number[][], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((row, k) =>
    row.forEach((v, i) =>
      assert.ok(Math.abs(v - b[k][i]) <= tol * (1 + Math.abs(v)), `${what}[${k}][${i}]: loop ${v}, ATen ${b[k][i]}`),
    ),
  );
}

describe('the ATen formulations a GPU runs instead of the host loops (here on the CPU)', { skip: cpuOnlySkip }, () => {
  it('Adam, SGD and momentum (Nesterov too), with and without weight decay: the same steps as the loops', async () => {
    await tf.setBackend('libtorch');
    const makers: [string, () => tf.Optimizer, boolean][] = [
      ['adam', () => tf.train.adam(0.01), true],
      ['sgd', () => tf.train.sgd(0.1), false],
      ['momentum', () => tf.train.momentum(0.1, 0.9), false],
      ['nesterov', () => tf.train.momentum(0.1, 0.9, true), false],
    ];
    for (const [name, make, decoupled] of makers) {
      for (const wd of [0, 0.05]) {
        const [loops, aten] = bothWays(() => {
          const x = tf.variable(tf.reshape(tf.linspace(-1, 1, 24), [2, 3, 4]));
          const opt = make();
          setWeightDecay(opt, wd, decoupled);
          for (let k = 0; k < 4; k++) {
            const g = tf.tidy(() => tf.mul(tf.cos(tf.add(x, k)), k % 2 ? -0.5 : 1));
            opt.applyGradients({ [x.name]: g });
            g.dispose();
          }
          const out = [x.clone()];
          opt.dispose();
          x.dispose();
          return out;
        });
        assertClose(loops, aten, 1e-6, `${name}, weight decay ${wd}`);
      }
    }
  });

  it("BatchNorm in training, forward and backward, rows of channels and NCHW planes: ATen's values", async () => {
    await tf.setBackend('libtorch');
    for (const planes of [false, true]) {
      const [loops, aten] = bothWays(() => {
        const x = planes
          ? // NCHW memory for the 3x3 64 -> 64 convolution
            withConvLayout('mixed', () =>
              tf.conv2d(
                tf.randomNormal([4, 6, 6, 64], 0, 1, 'float32', 3) as tf.Tensor4D,
                tf.randomNormal([3, 3, 64, 64], 0, 0.2, 'float32', 4) as tf.Tensor4D,
                1,
                'same',
              ),
            )
          : tf.add(tf.randomNormal([6, 5, 7, 20], 0, 2, 'float32', 5), 1);
        const c = x.shape[3] as number;
        const gamma = tf.linspace(0.5, 1.5, c),
          beta = tf.linspace(-1, 1, c),
          dy = tf.sin(x);
        const outs = tf.engine().runKernel('LibtorchBatchNormTraining', { x, gamma, beta }, {
          epsilon: 1e-3,
        } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        const grads = tf
          .engine()
          .runKernel('LibtorchBatchNormTrainingGrad', { dy, x, gamma, mean: outs[1], invstd: outs[3] }, {
            epsilon: 1e-3,
          } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        tf.dispose([x, gamma, beta, dy]);
        return [...outs, ...grads];
      });
      assertClose(loops, aten, 2e-5, planes ? 'batch norm, NCHW planes' : 'batch norm, rows');
    }
  });

  it('the intensity chain (brightness, contrast, gamma, noise): the same images as the loop', async () => {
    await tf.setBackend('libtorch');
    const [loops, aten] = bothWays(() => {
      const x = tf.clipByValue(tf.randomNormal([3, 9, 9, 2], 0, 0.6, 'float32', 7), -1, 1);
      const values = tf.tensor2d([
        [-0.1, 0, 0.1],
        [0.8, 1, 1.2],
        [0.8, 1, 1.25],
        [0, 0.05, 0.1],
      ]);
      const out = tf.engine().runKernel('LibtorchIntensity', { x, values }, {
        black: -1,
        white: 1,
        codes: [0, 1, 2, 3],
        seeds: [1, 2, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      tf.dispose([x, values]);
      return [out];
    });
    assertClose(loops, aten, 1e-6, 'intensity');
  });
});
