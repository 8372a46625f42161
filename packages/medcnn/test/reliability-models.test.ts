import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { MedcnnError } from '../src/errors.js';
import { createModel } from '../src/models/index.js';
import { loadModel, saveModel } from '../src/models/io.js';
import { writeConfigFile as writeRunConfig } from '../src/runfolder/files.js';
import { pneumonia, tempDir, pneumoniaRunConfig, writeXrayPng } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

function medcnn(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCNN_BACKEND: 'wasm' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let run = '';
let xray = '';
let secret = '';

before(async () => {
  await initEngine({ backend: 'wasm' });
  const work = tempDir();
  run = path.join(work, 'run');
  fs.mkdirSync(run);
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, path.join(run, 'model'));
  model.dispose();
  const _info = getDatasetInfo('pneumoniamnist');
  writeRunConfig(run, pneumoniaRunConfig());
  // A file outside the run, as big as the weights, that a hostile model.json might try to have read.
  secret = path.join(work, 'secret.bin');
  fs.copyFileSync(path.join(run, 'model', 'weights.bin'), secret);
  const [, , testSplit] = pneumonia();
  xray = path.join(work, 'xray.png');
  writeXrayPng(xray, testSplit, 0);
});

/** A copy of the run whose model.json names `paths` as its weight files (and whose model/ gets `setup`). */
function runNaming(paths: string[], setup: (modelDir: string) => void = () => {}): string {
  const dir = path.join(tempDir(), 'run');
  fs.cpSync(run, dir, { recursive: true });
  const jsonPath = path.join(dir, 'model', 'model.json');
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  json.weightsManifest[0].paths = paths;
  fs.writeFileSync(jsonPath, JSON.stringify(json));
  setup(path.join(dir, 'model'));
  return dir;
}

test('a model.json naming weight files outside its folder is refused by loadModel, predict and serve', async () => {
  const climb = path.relative(path.join(run, 'model'), secret); // ../../secret.bin, a real file of the right size
  const cases: [string, string][] = [
    ['climbs out', runNaming([climb])],
    ['etc/passwd', runNaming(['../../../../../../../../etc/passwd'])],
    ['absolute', runNaming([secret])],
    [
      'a link inside pointing out',
      runNaming(['weights.bin'], (m) => {
        fs.rmSync(path.join(m, 'weights.bin'));
        fs.symlinkSync(secret, path.join(m, 'weights.bin'));
      }),
    ],
  ];
  for (const [name, dir] of cases) {
    await assert.rejects(
      loadModel(path.join(dir, 'model')),
      (e: Error) =>
        e instanceof MedcnnError &&
        /which is not inside .*model; a model may only name files in its own folder/.test(e.message),
      name,
    );
    for (const args of [
      ['predict', dir, xray],
      ['serve', dir, '--port', '0'],
    ]) {
      const r = medcnn(args);
      assert.equal(r.code, 1, `${name}, ${args[0]}: ${r.out}${r.err}`);
      assert.match(
        r.err,
        /^medcnn: .*model\.json names the weights file .* which is not inside /m,
        `${name}, ${args[0]}`,
      );
    }
  }
  // The run as saved still loads.
  (await loadModel(path.join(run, 'model'))).dispose();
});

test('a diverged model (NaN weights) is never saved, and one already on disk is refused with the reason', async () => {
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  model.setWeights(model.getWeights().map((w, i) => (i === 2 ? tf.fill(w.shape, Number.NaN) : w)));
  const dir = path.join(tempDir(), 'nan-model');
  await assert.rejects(
    saveModel(model, dir),
    (e: Error) =>
      e instanceof MedcnnError &&
      /non-finite weights \(NaN or infinity, first in .+\): its training diverged/.test(e.message),
  );
  assert.ok(!fs.existsSync(dir) && fs.readdirSync(path.dirname(dir)).length === 0, 'nothing written');
  model.dispose();
  // A NaN model written by an older medcnn: predict says why instead of failing with a TypeError.
  const nanRun = path.join(tempDir(), 'run');
  fs.cpSync(run, nanRun, { recursive: true });
  const weights = path.join(nanRun, 'model', 'weights.bin');
  const bytes = fs.readFileSync(weights);
  new Float32Array(bytes.buffer, bytes.byteOffset, 8).fill(Number.NaN);
  fs.writeFileSync(weights, bytes);
  const r = medcnn(['predict', nanRun, xray]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /^medcnn: The model in .* has non-finite weights .*Train it again with a lower --lr/m);
});
