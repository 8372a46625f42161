import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { initEngine, resolveDevice } from '../src/engine/backend.js';
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
  await assert.rejects(
    initEngine({ backend: 'libtorch', threads: 1, device: 'cuda:0' }),
    /--device cuda:0: device 'cuda:0' needs a libtorch built with CUDA; .* Rebuild against PyTorch's: LIBTORCH=/,
  );
});

test('medcnn train --device cuda without CUDA: one line, exit 1, no run folder; --device cpu is recorded', () => {
  const root = smallPneumoniaRoot(64, 32, 32);
  const out = path.join(tempDir(), 'run');
  const common = ['train', '--dataset', 'pneumoniamnist', '--root', root, '--model', 'simplecnn', '--epochs', '1'];
  assertUserError(medcnn([...common, '--out', out, '--device', 'cuda']), /--device cuda/);
  assert.equal(fs.existsSync(out), false);
  const ok = medcnn([...common, '--out', out, '--device', 'cpu', '--no-progress']);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /device cpu/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).device, 'cpu');
});
