import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { createTrainable, listModels, saveModel } from '../src/models/index.js';
import { decodeOnnx, layersModelToOnnx, OPSET } from '../src/models/onnx/index.js';
import { exportRun } from '../src/run/export.js';
import { RUN_FILES, type RunConfig } from '../src/runfolder/index.js';
import { assertUserError, medcnn, pneumoniaRunConfig, smallPneumoniaRoot, tempDir } from './helpers.js';

const scratch = tempDir('medcnn-onnx-');
let madeDirs = 0;
/** A new empty folder inside this file's scratch folder (one exit hook for all). */
const freshDir = (): string => fs.mkdtempSync(path.join(scratch, `${madeDirs++}-`));

const root = smallPneumoniaRoot(64, 64, 64);

/**
 * A run folder holding `model` (untrained: its weights are random, which is all an exporter must get right).
 * `perturb`: noise on every weight, for networks that start parts at zero or one (a ViT's class token, head and
 * LayerNorms), so that the check sees every layer's weights at work.
 */
async function runWith(
  spec: Parameters<typeof createTrainable>[0],
  extra: Partial<RunConfig> = {},
  perturb = false,
): Promise<string> {
  const dir = freshDir();
  const config = { ...pneumoniaRunConfig(), dataRoot: root, ...extra };
  const tm = await createTrainable(spec, { inputShape: config.inputShape, numClasses: 2, learningRate: 0.001 });
  if (perturb)
    tm.model.weights.forEach((w, i) =>
      w.write(tf.tidy(() => tf.add(w.read(), tf.randomNormal(w.shape as number[], 0, 0.05, 'float32', 17 + i)))),
    );
  await saveModel(tm.model, path.join(dir, 'model'));
  tm.dispose();
  fs.writeFileSync(path.join(dir, RUN_FILES.config), JSON.stringify({ ...config, model: tm.name }));
  return dir;
}

test('every registry architecture, the ViTs included, exports to ONNX and agrees with TF.js in ONNX Runtime', async () => {
  await initEngine({ backend: 'libtorch', threads: 1 });
  for (const entry of listModels()) {
    // ViT-B/16 is left out here (85 M weights at 28 px; checked by hand, README): vit_tiny has the same layers.
    if (entry.name === 'vit_b_16') continue;
    const dir = await runWith({ architecture: entry.name }, {}, entry.name.startsWith('vit'));
    const out = path.join(dir, '..', `${path.basename(dir)}.onnx`);
    const r = await exportRun(dir, { format: 'onnx', out, checkImages: 16 });
    assert.ok(r.checked!.maxDifference <= 1e-4, `${entry.name}: ${r.checked!.maxDifference}`);
    const m = decodeOnnx(fs.readFileSync(out), out);
    assert.equal(Number(m.opsetImport![0].version), OPSET);
    fs.rmSync(out);
    fs.rmSync(dir, { recursive: true });
  }
});

test('a layer medcnn cannot convert is an error that names the layer and its type', async () => {
  await initEngine({ backend: 'libtorch', threads: 1 });
  const input = tfl.input({ shape: [8, 8, 1] });
  const up = tfl.layers.upSampling2d({ size: [2, 2], name: 'enlarge' }).apply(input) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(up)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  assert.throws(
    () => layersModelToOnnx(model, { multiLabel: false, metadata: {} }),
    (e: unknown) =>
      e instanceof MedcnnError &&
      /^Cannot export enlarge to ONNX: medcnn does not convert the layer type UpSampling2D\.$/.test(
        (e as Error).message,
      ),
  );
  model.dispose();
});

const MOBILENET = path.join(
  process.env.MEDCNN_PRETRAINED ?? path.resolve(import.meta.dirname, '../../../../../shared/pretrained'),
  'mobilenet_v2_0.35_imagenet_notop',
);

test('a transfer model exports with its temperature in the graph and its preprocessing, classes and threshold in the metadata', async () => {
  await initEngine({ backend: 'libtorch', threads: 1 });
  const dir = await runWith(
    { pretrained: MOBILENET, inputSize: 32, freeze: { mode: 'all' } },
    { temperature: 1.7, operatingPoint: { rule: 'youden', threshold: 0.42 }, positiveClass: 1 },
  );
  const out = `${dir}.onnx`;
  const r = await exportRun(dir, { format: 'onnx', checkImages: 8 });
  assert.equal(r.out, out, 'default: beside the run, RUN.onnx');
  assert.ok(r.checked!.maxDifference <= 1e-4);
  const m = decodeOnnx(fs.readFileSync(out), out);
  const meta = Object.fromEntries(m.metadataProps!.map((p) => [p.key, p.value]));
  assert.equal(meta.temperature, '1.7');
  assert.equal(meta.threshold, '0.42');
  assert.match(meta.threshold_rule, /youden/);
  assert.equal(meta.positive_class, '1');
  assert.deepEqual(JSON.parse(meta.class_names), ['normal', 'pneumonia']);
  assert.match(meta.preprocessing, /x = \(v \/ 255 - 0\.5\) \/ 0\.5/);
  assert.equal(meta.input_size, '28,28,1');
  const ops = m.graph!.node!.map((n) => n.opType);
  assert.ok(ops.includes('Resize') && ops.includes('Div') && ops.includes('Softmax'), ops.join(' '));
  assert.deepEqual(
    m.graph!.output!.map((o) => o.name),
    ['logits', 'probabilities'],
  );
  // An existing file is never replaced without --overwrite.
  await assert.rejects(
    exportRun(dir, { format: 'onnx' }),
    (e: unknown) => e instanceof MedcnnError && /already exists; pass --overwrite/.test((e as Error).message),
  );
  // A file that disagrees with TF.js is refused and never written (here: asking for exact equality).
  const strict = path.join(path.dirname(dir), `${path.basename(dir)}-strict.onnx`);
  await assert.rejects(
    exportRun(dir, { format: 'onnx', out: strict, tolerance: 0, checkImages: 8 }),
    (e: unknown) =>
      e instanceof MedcnnError && /disagrees with the TF\.js model .* nothing was written/.test((e as Error).message),
  );
  assert.equal(fs.existsSync(strict), false);
  fs.rmSync(out);
});

test('medcnn export: --format onnx and --format tfjs (the TF.js files with medcnn.json); mistakes are one line', async () => {
  const dir = await runWith({ architecture: 'simplecnn' });
  const onnxFile = path.join(freshDir(), 'model.onnx');
  const r = medcnn(['export', dir, '--format', 'onnx', '--out', onnxFile, '--check-images', '16']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /agree on 16 test images/);
  assert.ok(fs.statSync(onnxFile).size > 300_000);
  const tfjs = path.join(freshDir(), 'web-model');
  const t = medcnn(['export', dir, '--format', 'tfjs', '--out', tfjs]);
  assert.equal(t.code, 0, t.err);
  assert.deepEqual(fs.readdirSync(tfjs).sort(), ['medcnn.json', 'model.json', 'weights.bin']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(tfjs, 'medcnn.json'), 'utf8')).positive_class, '1');
  assertUserError(medcnn(['export', dir, '--format', 'onnx', '--out', onnxFile]), /already exists; pass --overwrite/);
  assertUserError(medcnn(['export', dir, '--format', 'pt']), /--format must be one of onnx, tfjs/);
  assertUserError(medcnn(['export', freshDir()]), /not a medcnn run folder/);
});
