import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor, range } from '../src/data/batch.js';
import { initEngine } from '../src/engine/backend.js';
import { seedEverything } from '../src/engine/seed.js';
import { MedcnnError } from '../src/errors.js';
import { gradCam } from '../src/explain/gradcam.js';
import { parseArgs } from '../src/cli/args.js';
import { readTrainable, transferFlags } from '../src/cli/options/transfer.js';
import { loadBackbone } from '../src/models/pretrained/load.js';
import {
  backboneBlocks,
  buildTransferModel,
  freezeBackbone,
  frozenCut,
} from '../src/models/pretrained/transfer-model.js';
import { parseCompareSpecs, parseFractions } from '../src/run/compare.js';
import { evaluateRun } from '../src/run/evaluate.js';
import { explainImages } from '../src/run/explain-images.js';
import { trainRun } from '../src/run/train.js';
import { RunFolder } from '../src/runfolder/index.js';
import { computeOutputs } from '../src/train/cached-features.js';
import { trainModel } from '../src/train/trainer.js';
import { head, pneumonia, smallPneumoniaRoot, tempDir } from './helpers.js';

/** The ImageNet MobileNetV2 (0.35) the project keeps beside the code (../shared/pretrained). */
const PRETRAINED_ROOT =
  process.env.MEDCNN_PRETRAINED ?? path.resolve(import.meta.dirname, '../../../../../shared/pretrained');
const MOBILENET = path.join(PRETRAINED_ROOT, 'mobilenet_v2_0.35_imagenet_notop');
const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');
// Tests rebuild the backbone for 32×32 inputs: the same weights, a 1×1 final map, and milliseconds per image.
const SIZE = 32;

let server: http.Server;
let baseUrl = '';

before(async () => {
  await initEngine({ backend: 'wasm' });
  process.env.MEDCNN_PRETRAINED = PRETRAINED_ROOT;
  // A local web server standing in for a model host (tests use no network).
  server = http.createServer((req, res) => {
    const file = path.join(MOBILENET, path.basename(req.url ?? ''));
    if (!req.url?.startsWith('/mnv2/') || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('a backbone loads from a folder, a model.json, a URL or its name, rebuilt for another input size with the same weights', async () => {
  const native = await loadBackbone(MOBILENET);
  assert.deepEqual(native.model.outputs[0].shape, [null, 7, 7, 1280]);
  assert.equal(native.name, 'mobilenet_v2_0.35');
  assert.deepEqual(native.normalization, { mean: 0.5, std: 0.5 }, 'MobileNetV2 wants [-1, 1]');
  const sources = [path.join(MOBILENET, 'model.json'), `${baseUrl}/mnv2/model.json`, 'mobilenet_v2_0.35'];
  for (const src of sources) {
    const small = await loadBackbone(src, SIZE);
    assert.deepEqual(small.model.inputs[0].shape, [null, SIZE, SIZE, 3], src);
    assert.deepEqual(small.model.outputs[0].shape, [null, 1, 1, 1280], src);
    const a = native.model.getWeights();
    const b = small.model.getWeights();
    assert.equal(a.length, b.length);
    for (const i of [0, 100, a.length - 1]) assert.deepEqual(a[i].dataSync(), b[i].dataSync(), `${src}: weight ${i}`);
    small.model.dispose();
  }
  native.model.dispose();
  await assert.rejects(
    loadBackbone(`${baseUrl}/missing/model.json`),
    (e: unknown) => e instanceof MedcnnError && /HTTP 404/.test((e as Error).message),
  );
  await assert.rejects(
    loadBackbone('resnet-imaginary'),
    (e: unknown) => e instanceof MedcnnError && /Known backbones: mobilenet_v2_0\.35/.test((e as Error).message),
  );
  await assert.rejects(loadBackbone(MOBILENET, 8), /--input-size must be/);
});

test('the transfer model adapts 28×28 grayscale inside itself: resize, gray → RGB, [-1, 1], new head for the classes', async () => {
  const backbone = await loadBackbone(MOBILENET, SIZE);
  seedEverything(1);
  const tm = buildTransferModel(backbone, [28, 28, 1], 2);
  assert.deepEqual(tm.model.inputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(
    tm.model.layers.slice(1, 4).map((l) => l.name),
    ['resize', 'gray_to_rgb', 'Conv1_pad'],
  );
  assert.deepEqual(tm.model.outputs[0].shape, [null, 2]);
  assert.deepEqual(tm.adaptation, { from: [28, 28, 1], resizeTo: SIZE, grayToRgb: true });
  const [, , testSplit] = pneumonia();
  const x = imagesToTensor(testSplit, range(0, 8), tm.normalization);
  assert.ok(tf.min(x).dataSync()[0] >= -1 && tf.max(x).dataSync()[0] <= 1, 'pixels in [-1, 1]');
  // The whole model and head(features) agree: the cached-feature path trains exactly the saved model's head.
  const whole = tm.model.predict(x) as tf.Tensor;
  const viaHead = tm.headModel.predict(tm.featureModel.predict(x) as tf.Tensor) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(whole, viaHead))).dataSync()[0] < 1e-5);
  tf.dispose([x, whole, viaHead]);
  tm.model.dispose();
});

test('freezing: all, the deepest N blocks or up to a layer; frozen BatchNorm stays in inference mode; the frozen prefix is cut and cached', async () => {
  const build = async () => buildTransferModel(await loadBackbone(MOBILENET, SIZE), [28, 28, 1], 2);
  let tm = await build();
  const blocks = backboneBlocks(tm.backboneLayers);
  assert.equal(blocks.length, 18);
  assert.deepEqual(
    [blocks[1][0].name, blocks[16][0].name, blocks[17][0].name],
    ['block_1_expand', 'block_16_expand', 'Conv_1'],
  );
  freezeBackbone(tm, { mode: 'all' });
  assert.deepEqual(
    tm.model.trainableWeights.map((w) => w.originalName),
    ['head_logits/kernel', 'head_logits/bias'],
  );
  tm.model.dispose();

  tm = await build();
  const { trainable, frozen } = freezeBackbone(tm, { mode: 'blocks', blocks: 2 });
  assert.equal(trainable[0].name, 'block_16_expand');
  assert.equal(frozen[frozen.length - 1].name, 'block_15_add');
  // A frozen BatchNorm gives the same output in training mode as in inference mode.
  const bn = tm.model.getLayer('block_3_expand_BN');
  const probe = tf.randomNormal([4, 8, 8, bn.getWeights()[0].shape[0]]);
  const diff = tf
    .max(
      tf.abs(
        tf.sub(bn.apply(probe, { training: true }) as tf.Tensor, bn.apply(probe, { training: false }) as tf.Tensor),
      ),
    )
    .dataSync()[0];
  assert.equal(diff, 0);
  probe.dispose();
  const cut = frozenCut(tm, frozen)!;
  assert.equal(cut.layer, 'block_15_add');
  assert.deepEqual(cut.suffix.inputs[0].shape, [null, 1, 1, 56]);
  // Fine-tune one epoch on cached block_15 outputs: trained layers move, frozen ones (and their BN statistics) do not.
  const [train, val] = pneumonia();
  const tr = head(train, 128);
  const va = head(val, 64);
  const cache = new Map([
    [tr, computeOutputs(cut.prefix, tr, tm.normalization)],
    [va, computeOutputs(cut.prefix, va, tm.normalization)],
  ]);
  const snapshot = (name: string) =>
    tm.model
      .getLayer(name)
      .getWeights()
      .map((w) => Array.from(w.dataSync()));
  const before = {
    conv: snapshot('block_16_project'),
    frozenConv: snapshot('block_15_project'),
    frozenBn: snapshot('block_15_project_BN'),
    bn: snapshot('Conv_1_bn'),
  };
  const names = new Set(trainable.flatMap((l) => l.trainableWeights.map((w) => (w.read() as tf.Variable).name)));
  await trainModel({
    model: cut.suffix,
    task: 'binary-class',
    train: tr,
    val: va,
    epochs: 1,
    batchSize: 32,
    learningRate: 1e-3,
    seed: 1,
    normalization: tm.normalization,
    inputOf: (d, idx) => tf.gather(cache.get(d)!, tf.tensor1d(idx, 'int32')),
    slowWeights: { names, learningRate: 1e-4 },
  });
  assert.notDeepEqual(snapshot('block_16_project'), before.conv, 'a fine-tuned conv moved');
  assert.notDeepEqual(snapshot('Conv_1_bn')[2], before.bn[2], 'a fine-tuned BatchNorm updated its moving mean');
  assert.deepEqual(snapshot('block_15_project'), before.frozenConv, 'a frozen conv did not move');
  assert.deepEqual(snapshot('block_15_project_BN'), before.frozenBn, 'a frozen BatchNorm kept its statistics');
  tf.dispose([...cache.values()]);
  tm.model.dispose();

  tm = await build();
  // Inside a residual block the shortcut is a second crossing, so there is no single tensor to cache.
  assert.equal(frozenCut(tm, freezeBackbone(tm, { mode: 'until', layer: 'block_15_expand_relu' }).frozen), null);
  assert.throws(() => freezeBackbone(tm, { mode: 'blocks', blocks: 19 }), /from 1 to 18/);
  assert.throws(
    () => freezeBackbone(tm, { mode: 'until', layer: 'nope' }),
    /Block ends: .*block_16_project_BN, out_relu/,
  );
  tm.model.dispose();
});

test('train --pretrained --freeze all: cached features, config.json records the backbone, evaluate/predict/explain reuse the run', async () => {
  const root = smallPneumoniaRoot(400, 120, 120);
  const dir = path.join(tempDir(), 'run');
  const lines: string[] = [];
  const res = await trainRun({
    dataset: 'pneumoniamnist',
    model: { pretrained: MOBILENET, inputSize: SIZE, freeze: { mode: 'all' } },
    size: 28,
    epochs: 12,
    batchSize: 64,
    learningRate: 3e-3,
    seed: 42,
    root,
    out: dir,
    backend: 'wasm',
    lang: 'en',
    progress: false,
    log: (l) => lines.push(l),
  });
  assert.match(lines.join('\n'), /rebuilt for 32×32 inputs; frozen, head only/);
  assert.match(lines.join('\n'), /frozen part run once on 520 images .* \(head_pool, 1280 per image\) is cached/);
  assert.match(lines.join('\n'), /model: transfer:mobilenet_v2_0\.35, 2,562 trainable parameters/);
  // 32×32 is far below MobileNet's 224, so the features are weak here; the head still learns from them.
  const aucs = res.history.map((h) => h.valAuc);
  assert.ok(Math.max(...aucs) > 0.72 && aucs.at(-1)! > aucs[0], `val AUC ${aucs.map((a) => a.toFixed(3)).join(' ')}`);
  const { config } = RunFolder.open(dir);
  assert.equal(config.model, 'transfer:mobilenet_v2_0.35');
  assert.deepEqual(config.normalization, { mean: 0.5, std: 0.5 });
  assert.deepEqual(config.inputShape, [28, 28, 1]);
  assert.equal(config.transfer?.inputSize, SIZE);
  assert.equal(config.transfer?.freeze, 'all');
  assert.equal(config.transfer?.featuresCached, 'pooled backbone features');
  assert.deepEqual(config.transfer?.adaptation, { from: [28, 28, 1], resizeTo: SIZE, grayToRgb: true });
  // The saved model (with its resize layer) loads again and gives the recorded test AUC.
  const again = await evaluateRun(dir, 'test', { root });
  assert.equal(again.auc, res.test!.auc);
  const png = path.join(dir, 'x.png');
  fs.copyFileSync(path.join(dir, 'samples.png'), png);
  const [explained] = await explainImages(dir, [png], { lang: 'en' });
  assert.equal(explained.layer, 'out_relu', 'MobileNetV2: Conv_1 → Conv_1_bn → out_relu');
  assert.ok(fs.existsSync(explained.png));
});

test('Grad-CAM reaches inside a transfer model (functional graph with residual additions)', async () => {
  const tm = buildTransferModel(await loadBackbone(MOBILENET, 64), [28, 28, 1], 2);
  const [, , testSplit] = pneumonia();
  const x = imagesToTensor(testSplit, range(0, 2), tm.normalization);
  const cam = gradCam(tm.model, x, 'binary-class', { layer: 'block_13_expand_relu', classIndex: 1 });
  assert.deepEqual([cam.layer, cam.height, cam.width, cam.maps.length], ['block_13_expand_relu', 4, 4, 2]);
  assert.ok(cam.maps.every((m) => m.every((v) => Number.isFinite(v) && v >= 0)));
  x.dispose();
  tm.model.dispose();
});

test('transfer flags and compare specs are checked before any work', () => {
  const trainable = (...argv: string[]) =>
    readTrainable(
      parseArgs('train', argv, { model: { kind: 'string', help: '', default: 'simplecnn' }, ...transferFlags } as const)
        .flags,
    );
  assert.deepEqual(trainable(), { architecture: 'simplecnn' });
  assert.deepEqual(trainable('--pretrained', 'x'), {
    pretrained: 'x',
    inputSize: undefined,
    freeze: { mode: 'all' },
    backboneLearningRate: undefined,
  });
  assert.deepEqual(trainable('--pretrained', 'x', '--finetune-blocks', '3', '--backbone-lr', '1e-5'), {
    pretrained: 'x',
    inputSize: undefined,
    freeze: { mode: 'blocks', blocks: 3 },
    backboneLearningRate: 1e-5,
  });
  assert.throws(() => trainable('--finetune-blocks', '2'), /add --pretrained/);
  assert.throws(() => trainable('--pretrained', 'x', '--freeze', 'all', '--finetune-blocks', '2'), /Choose one of/);
  assert.throws(() => trainable('--pretrained', 'x', '--backbone-lr', '0.1'), /needs a trained backbone part/);
  assert.deepEqual(
    parseCompareSpecs('scratch:simplecnn,transfer:mobilenet_v2_0.35').map((s) => s.label),
    ['scratch:simplecnn', 'transfer:mobilenet_v2_0.35'],
  );
  assert.throws(() => parseCompareSpecs('scratch:nonet'), /Unknown model 'nonet'/);
  assert.deepEqual(parseFractions('0.1,0.25,1'), [0.1, 0.25, 1]);
  assert.throws(() => parseFractions('0,2'), /in \(0, 1\]/);
});

test('medcnn compare trains each run on the same subset, seed and augmentation and writes the table and the overlaid curves', () => {
  const root = smallPneumoniaRoot(200, 60, 60);
  const out = path.join(tempDir(), 'cmp');
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'compare',
      '--runs',
      'scratch:simplecnn,transfer:mobilenet_v2_0.35',
      '--train-fraction',
      '0.25',
      '--epochs',
      '1',
      '--input-size',
      String(SIZE),
      '--augment',
      'auto',
      '--root',
      root,
      '--out',
      out,
    ],
    { encoding: 'utf8', env: { ...process.env, MEDCNN_BACKEND: 'wasm', MEDCNN_PRETRAINED: PRETRAINED_ROOT } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /\| scratch:simplecnn \| 0\.25 \| 42 \| 50 \| \d \| 0\.\d{4} \| 0\.\d{4} \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/,
  );
  assert.match(r.stdout, /\| transfer:mobilenet_v2_0\.35 \| 0\.25 \| 42 \| 50 \|/);
  // The two contenders are compared on the same test images.
  assert.match(
    r.stdout,
    /\| 0\.25 \| 42 \| scratch:simplecnn \| transfer:mobilenet_v2_0\.35 \| 0\.\d{4} \| 0\.\d{4} \| [\d.e-]+ \|/,
  );
  for (const f of ['compare.md', 'compare.csv', 'compare.json', 'compare-curves.png'])
    assert.ok(fs.existsSync(path.join(out, f)), f);
  const configs = ['scratch-simplecnn-f0.25', 'transfer-mobilenet_v2_0.35-f0.25'].map(
    (d) => RunFolder.open(path.join(out, d)).config,
  );
  assert.deepEqual(
    configs.map((c) => [c.seed, c.trainFraction]),
    [
      [42, 0.25],
      [42, 0.25],
    ],
  );
  assert.ok(
    configs.every((c) => c.augment.startsWith('auto → chest-xray')),
    'every run got the same augmentation',
  );
  const refused = spawnSync(process.execPath, [CLI, 'compare', '--augment', 'hflip', '--root', root, '--out', out], {
    encoding: 'utf8',
  });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /dextrocardia/);
  const bad = spawnSync(process.execPath, [CLI, 'train', '--freeze-until', 'Conv_1'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^medcnn: --freeze-until only applies to transfer learning/m);
});
