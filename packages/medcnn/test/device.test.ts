import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { composeTransforms, getTransform } from '../src/augment/index.js';
import { deviceForGroup, initEngine, resolveDevice } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { assertUserError, medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

test('--device: cpu on every backend, case-insensitive; an unknown name is a clear error', () => {
  assert.deepEqual(resolveDevice('wasm', 'CPU'), { device: 'cpu' });
  assert.deepEqual(resolveDevice('wasm', 'auto'), { device: 'cpu' });
  assert.throws(
    () => resolveDevice('wasm', 'gpu'),
    (e: unknown) => {
      assert.ok(e instanceof MedcnnError);
      assert.match(e.message, /Unknown device 'gpu'\. Choose auto, cpu, cuda or cuda:N\./);
      return true;
    },
  );
  assert.throws(
    () => resolveDevice('wasm', 'cuda'),
    /--device cuda needs the libtorch backend built with CUDA; the wasm backend runs on the CPU only/,
  );
});

test('--device cuda on a libtorch without CUDA says so and what to do', async (t) => {
  let engine: Awaited<ReturnType<typeof initEngine>>;
  try {
    engine = await initEngine({ backend: 'libtorch', threads: 1 });
  } catch (e) {
    t.skip(`libtorch unavailable: ${(e as Error).message}`);
    return;
  }
  assert.equal(engine.device, 'cpu');
  assert.equal(engine.cudnnBenchmark, false);
  await assert.rejects(
    initEngine({ backend: 'libtorch', threads: 1, device: 'cuda:0' }),
    /--device cuda:0: device 'cuda:0' needs a libtorch built with CUDA; .* Rebuild against PyTorch's: LIBTORCH=/,
  );
});

test('a data-parallel rank runs on the CPU: auto means cpu there, and a GPU is refused with the reason', () => {
  assert.equal(deviceForGroup('auto'), 'cpu');
  assert.equal(deviceForGroup('CPU'), 'cpu');
  assert.throws(
    () => deviceForGroup('cuda:1'),
    (e: unknown) => {
      assert.ok(e instanceof MedcnnError);
      assert.match(e.message, /--device cuda:1: data-parallel training \(--nproc, WORLD_SIZE\) runs on the CPU only/);
      assert.match(e.message, /GPUs would need NCCL/);
      return true;
    },
  );
});

test('medcnn train --device cuda without CUDA: one line, exit 1, no run folder; --device cpu and --cudnn-benchmark are recorded', () => {
  const root = smallPneumoniaRoot(64, 32, 32);
  const out = path.join(tempDir(), 'run');
  const common = ['train', '--dataset', 'pneumoniamnist', '--root', root, '--model', 'simplecnn', '--epochs', '1'];
  assertUserError(medcnn([...common, '--out', out, '--device', 'cuda']), /--device cuda/);
  assert.equal(fs.existsSync(out), false);
  // --nproc with a GPU is refused before any worker starts.
  assertUserError(medcnn([...common, '--out', out, '--nproc', '2', '--device', 'cuda']), /runs on the CPU only/);
  assert.equal(fs.existsSync(out), false);
  // cuDNN's benchmark mode is harmless on the CPU, and recorded.
  const ok = medcnn([...common, '--out', out, '--device', 'cpu', '--cudnn-benchmark', '--no-progress']);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /device cpu/);
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.device, 'cpu');
  assert.equal(config.cudnnBenchmark, true);
});

test('geometric augmentation off the host resamples with a gather, not the CPU-only Transform kernel', async (t) => {
  try {
    await initEngine({ backend: 'libtorch', threads: 1, device: 'cpu' });
  } catch (e) {
    t.skip(`libtorch unavailable: ${(e as Error).message}`);
    return;
  }
  // ATen's meta device (shapes, no data) stands in for a GPU: the addon places new tensors there.
  const addon = (tf.backend() as unknown as { addon: { setDevice(d: string): string } }).addon;
  const augment = composeTransforms([getTransform('rotate').create(15)], { fill: 'black', black: -1, white: 1 });
  let draws = 0;
  const rng = (): number => (draws++ % 7) / 7 + 0.05;
  addon.setDevice('meta');
  try {
    const x = tf.zeros([4, 8, 8, 1]) as tf.Tensor4D;
    // The Transform kernel refuses that device by name.
    assert.throws(
      () => tf.image.transform(x, tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]])),
      /kernel 'transform' runs on the CPU only/,
    );
    // The augmentation takes the gather instead. libtorch 1.13 has no index_select for meta tensors, so there the
    // gather itself stops, naming itself; where it has one, the rotated batch comes out.
    try {
      const y = augment(x, rng);
      assert.deepEqual(y.shape, [4, 8, 8, 1]);
      y.dispose();
    } catch (e) {
      assert.match((e as Error).message, /libtorch kernel GatherV2 .*index_select.*Meta/s);
    }
    x.dispose();
  } finally {
    addon.setDevice('cpu');
  }
});
