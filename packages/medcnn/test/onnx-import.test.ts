import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { onnxSidecarPath } from '../src/models/index.js';
import { onnxToLayersModel, openOnnxSession } from '../src/models/onnx/index.js';
import { floatTensor, onnx } from '../src/models/onnx/proto.js';
import { assertUserError, medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

const scratch = tempDir('medcnn-onnx-');
let madeDirs = 0;
/** A new empty folder inside this file's scratch folder (one exit hook for all). */
const freshDir = (): string => fs.mkdtempSync(path.join(scratch, `${madeDirs++}-`));

const PYTHON = '/usr/bin/python3';
const SIZE = 32;
const NETS = ['resnet18', 'mobilenet_v2', 'efficientnet_b0', 'densenet121'];

/** Why the PyTorch-made files cannot be made here, or null when Debian's torch and torchvision are there. */
function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : `${PYTHON} lacks torch/torchvision (apt-get install python3-torch python3-torchvision)`;
}
const missing = torchMissing();
if (missing) console.log(`# skipping the PyTorch-made ONNX tests: ${missing}`);

let made: string | null = null;
/** torchvision's four networks exported by PyTorch into a folder (once per file). */
function torchvisionOnnx(): string {
  if (made) return made;
  const dir = freshDir();
  const script = path.resolve(import.meta.dirname, '../../test/torchvision_to_onnx.py');
  const r = spawnSync(PYTHON, [script, dir, String(SIZE), ...NETS], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  made = dir;
  return dir;
}

test('torchvision resnet18, mobilenet_v2, efficientnet_b0 and densenet121 from ONNX compute what PyTorch and ONNX Runtime compute', {
  skip: missing ?? false,
}, async () => {
  await initEngine({ backend: 'libtorch', threads: 1 });
  const dir = torchvisionOnnx();
  for (const net of NETS) {
    const file = path.join(dir, `${net}.onnx`);
    const ref = JSON.parse(fs.readFileSync(path.join(dir, `${net}.torch.json`), 'utf8'));
    const bytes = fs.readFileSync(file);
    const { model } = onnxToLayersModel(bytes, file, { keepClassifier: true, inputSize: SIZE });
    const nchw = tf.tensor4d(ref.input, ref.shape);
    const got = tf.tidy(() => (model.predict(tf.transpose(nchw, [0, 2, 3, 1])) as tf.Tensor).dataSync());
    const session = await openOnnxSession(bytes);
    const ort = (await session.run(Float32Array.from(ref.input), ref.shape)).logits;
    await session.release();
    let vsTorch = 0;
    let vsOrt = 0;
    for (let i = 0; i < ref.output.length; i++) {
      vsTorch = Math.max(vsTorch, Math.abs(got[i] - ref.output[i]));
      vsOrt = Math.max(vsOrt, Math.abs(got[i] - ort[i]));
    }
    console.log(net, 'vs PyTorch', vsTorch, 'vs ONNX Runtime', vsOrt);
    assert.ok(vsTorch <= 1e-4, `${net}: ${vsTorch} from PyTorch`);
    assert.ok(vsOrt <= 1e-4, `${net}: ${vsOrt} from ONNX Runtime`);
    model.dispose();
    nchw.dispose();
  }
});

test('train --pretrained FILE.onnx: one fine-tuning epoch on PneumoniaMNIST, preprocessing from the sidecar; the run exports back to ONNX', {
  skip: missing ?? false,
}, () => {
  const dir = torchvisionOnnx();
  const file = path.join(dir, 'mobilenet_v2.onnx');
  const root = smallPneumoniaRoot(128, 64, 64);
  const run = path.join(freshDir(), 'run');
  const base = ['train', '--root', root, '--pretrained', file, '--input-size', '32', '--epochs', '1', '--no-progress'];
  assertUserError(medcnn([...base, '--out', run]), /needs its preprocessing: pass --mean and --std/);
  assertUserError(medcnn([...base, '--mean', '0.5', '--out', run]), /--mean needs --std too/);
  fs.writeFileSync(onnxSidecarPath(file), JSON.stringify({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }));
  const r = medcnn([...base, '--freeze', 'none', '--backbone-lr', '0.001', '--out', run], {
    MEDCNN_BACKEND: 'libtorch',
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /backbone: mobilenet_v2 from .*mobilenet_v2\.onnx, rebuilt for 32×32 inputs/);
  assert.match(r.out, /epoch 1\/1: train loss \d/);
  const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
  assert.equal(config.model, 'transfer:mobilenet_v2');
  assert.match(config.transfer.preprocessing, /0\.485, 0\.456, 0\.406.*inside the model/);
  const e = medcnn(['export', run, '--format', 'onnx', '--out', path.join(freshDir(), 'm.onnx')], {
    MEDCNN_BACKEND: 'libtorch',
  });
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /agree on 64 test images/);
});

/** An ONNX file written through onnx-proto: one image-like or flat input, the given nodes, float weights. */
function onnxFile(
  inputDims: number[],
  nodes: { op: string; inputs: string[]; name: string }[],
  weights: Record<string, number[]>,
): string {
  const file = path.join(freshDir(), 'model.onnx');
  const last = nodes.at(-1)!.name;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: nodes.map((n) => ({ opType: n.op, input: n.inputs, output: [n.name], name: n.name })),
      initializer: Object.entries(weights).map(([name, dims]) =>
        floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1)),
      ),
      input: [
        { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: inputDims.map((d) => ({ dimValue: d })) } } } },
      ],
      output: [{ name: last, type: { tensorType: { elemType: 1 } } }],
    },
  });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

test('bad ONNX files are one clear error: truncated, an unknown operator (named, with its node), an input that is not an image', () => {
  const conv = { op: 'Conv', inputs: ['x', 'w'], name: 'stem' };
  const good = onnxFile([1, 3, 32, 32], [conv, { op: 'Relu', inputs: ['stem'], name: 'relu' }], { w: [8, 3, 3, 3] });
  const { model, removed } = onnxToLayersModel(fs.readFileSync(good), good);
  assert.deepEqual(model.outputs[0].shape, [null, 30, 30, 8]);
  assert.deepEqual(removed, []);
  model.dispose();
  const bytes = fs.readFileSync(good);
  const truncated = path.join(freshDir(), 'truncated.onnx');
  fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const erf = onnxFile([1, 3, 32, 32], [conv, { op: 'Erf', inputs: ['stem'], name: 'gelu_erf' }], { w: [8, 3, 3, 3] });
  const flat = onnxFile([1, 10], [{ op: 'Gemm', inputs: ['x', 'w'], name: 'fc' }], { w: [10, 2] });
  const root = smallPneumoniaRoot(32, 16, 16);
  const train = (f: string) =>
    medcnn([
      'train',
      '--root',
      root,
      '--pretrained',
      f,
      '--mean',
      '0.5',
      '--std',
      '0.5',
      '--input-size',
      '32',
      '--epochs',
      '1',
      '--out',
      path.join(freshDir(), 'r'),
    ]);
  assertUserError(train(truncated), /truncated\.onnx is not a readable ONNX model .*truncated or damaged/);
  assertUserError(
    train(erf),
    /the operator Erf \(node 'gelu_erf'\) cannot be converted by medcnn\. It converts Conv, BatchNormalization/,
  );
  assertUserError(train(flat), /is not an image network: its input is \[1, 10\]/);
  assertUserError(train(path.join(freshDir(), 'missing.onnx')), /missing\.onnx does not exist/);
});
