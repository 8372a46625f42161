import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { onnxToLayersModel, openOnnxSession } from '../src/models/onnx/index.js';
import { tempDir } from './helpers.js';

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
  const dir = tempDir('medcnn-torchvision-onnx-');
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
    const ref = JSON.parse(fs.readFileSync(path.join(dir, `${net}.json`), 'utf8'));
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
