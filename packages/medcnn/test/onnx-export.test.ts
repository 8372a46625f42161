import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { initEngine } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { createTrainable, listModels, saveModel } from '../src/models/index.js';
import { decodeOnnx, OPSET } from '../src/models/onnx/index.js';
import { exportRun } from '../src/run/export.js';
import { RUN_FILES, type RunConfig } from '../src/runfolder/index.js';
import { assertUserError, medcnn, pneumoniaRunConfig, smallPneumoniaRoot, tempDir } from './helpers.js';

const root = smallPneumoniaRoot(64, 64, 64);

/** A run folder holding `model` (untrained: its weights are random, which is all an exporter must get right). */
async function runWith(spec: Parameters<typeof createTrainable>[0], extra: Partial<RunConfig> = {}): Promise<string> {
  const dir = tempDir('medcnn-onnx-run-');
  const config = { ...pneumoniaRunConfig(), dataRoot: root, ...extra };
  const tm = await createTrainable(spec, { inputShape: config.inputShape, numClasses: 2, learningRate: 0.001 });
  await saveModel(tm.model, path.join(dir, 'model'));
  tm.dispose();
  fs.writeFileSync(path.join(dir, RUN_FILES.config), JSON.stringify({ ...config, model: tm.name }));
  return dir;
}

test('every registry architecture exports to ONNX and agrees with TF.js in ONNX Runtime', async () => {
  await initEngine({ backend: 'libtorch', threads: 1 });
  for (const entry of listModels()) {
    const t0 = Date.now();
    const dir = await runWith({ architecture: entry.name });
    const out = path.join(dir, '..', `${path.basename(dir)}.onnx`);
    const r = await exportRun(dir, { format: 'onnx', out, checkImages: 16 });
    assert.ok(r.checked!.maxDifference <= 1e-4, `${entry.name}: ${r.checked!.maxDifference}`);
    const m = decodeOnnx(fs.readFileSync(out), out);
    assert.equal(Number(m.opsetImport![0].version), OPSET);
    console.log(entry.name, r.bytes, r.checked, Date.now() - t0, 'ms');
    fs.rmSync(out);
    fs.rmSync(dir, { recursive: true });
  }
});
