import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  autoChoice,
  listPresets,
  makeAugmentFn,
  planAugmentation,
  presetFor,
  TRANSFORM_NAMES,
  type AugmentPlan,
} from '../src/augment/index.js';
import { listDatasets } from '../src/data/registry.js';
import type { Modality } from '../src/data/dataset-info.js';
import { initEngine } from '../src/engine/backend.js';
import { makeRng } from '../src/engine/seed.js';
import { MedcnnError } from '../src/errors.js';
import { PNEUMONIA_FILE, SHARED_ROOT as dataRoot } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../src/cli/main.js');

before(async () => {
  await initEngine({ backend: process.env.MEDCNN_BACKEND ?? 'wasm' });
});

function plan(spec: string, modality: Modality, allowUnsafe = false): AugmentPlan {
  const p = planAugmentation(spec, modality, { allowUnsafe });
  assert.ok(p);
  return p;
}

/** A batch that looks like normalised images: a bright blob on a darker ramp, in [−1, 1]. */
function batch(n = 8, side = 28, channels = 1, seed = 3): tf.Tensor4D {
  return tf.tidy(() => {
    const yy = tf.reshape(tf.linspace(-1, 1, side), [1, side, 1, 1]);
    const xx = tf.reshape(tf.linspace(-1, 1, side), [1, 1, side, 1]);
    const blob = tf.exp(tf.mul(tf.add(tf.square(tf.sub(xx, 0.3)), tf.square(tf.add(yy, 0.2))), -6));
    const base = tf.sub(tf.add(tf.mul(yy, 0.3), tf.mul(blob, 1.2)), 0.4);
    const jitter = tf.randomUniform([n, side, side, channels], -0.1, 0.1, 'float32', seed);
    return tf.clipByValue(tf.add(base, jitter), -1, 1) as tf.Tensor4D;
  });
}

describe('unsafe transforms are refused with the reason', () => {
  test('a left–right flip of a chest X-ray is refused: dextrocardia', () => {
    assert.throws(
      () => planAugmentation('hflip', 'chest-xray'),
      (e: Error) =>
        e instanceof MedcnnError && /dextrocardia/.test(e.message) && /--allow-unsafe-augment/.test(e.message),
    );
  });
  test('upside-down chest X-ray and CT are refused: gravity', () => {
    for (const m of ['chest-xray', 'ct'] as const) {
      assert.throws(
        () => planAugmentation('vflip', m),
        (e: Error) => e instanceof MedcnnError && /gravity/.test(e.message),
        m,
      );
      assert.throws(() => planAugmentation('rot90', m), MedcnnError, m);
    }
  });
  test('a CT mirror is refused: left and right organs', () => {
    assert.throws(() => planAugmentation('hflip', 'ct'), /situs inversus/);
  });
  test('ultrasound and OCT may be mirrored left–right but not turned upside down', () => {
    for (const m of ['ultrasound', 'retinal-oct'] as const) {
      assert.equal(plan('hflip', m).overridden.length, 0);
      assert.throws(() => planAugmentation('vflip', m), MedcnnError, m);
    }
  });
  test('flips and quarter turns are allowed on dermoscopy, pathology and blood smears', () => {
    for (const m of ['dermoscopy', 'histopathology', 'blood-smear'] as const) {
      assert.deepEqual(plan('hflip,vflip,rot90', m).overridden, [], m);
    }
  });
  test('too strong a transform is refused with the limit', () => {
    assert.throws(() => planAugmentation('rotate:45', 'chest-xray'), /more than the 15 allowed/);
    assert.throws(() => planAugmentation('zoom:0.3', 'blood-smear'), /cell size/);
  });
  test('--allow-unsafe-augment lets them through, each reason kept', () => {
    const p = plan('hflip,vflip,rotate:10', 'chest-xray', true);
    assert.equal(p.transforms.length, 3);
    assert.equal(p.overridden.length, 2);
    assert.match(p.overridden[0].en, /dextrocardia/);
    assert.match(p.overridden[0].ja, /右胸心/);
    assert.match(p.name, /unsafe allowed/);
  });
  test('presets named explicitly are checked against the data’s modality', () => {
    assert.throws(() => planAugmentation('dermoscopy', 'chest-xray'), /hflip is refused/);
  });
  test('bad lists are MedcnnErrors', () => {
    assert.throws(() => planAugmentation('sharpen:1', 'dermoscopy'), /Unknown augmentation 'sharpen'/);
    assert.throws(() => planAugmentation('rotate:ten', 'dermoscopy'), /not a number/);
    assert.throws(() => planAugmentation('rotate:500', 'dermoscopy'), /at most 180/);
    assert.throws(() => planAugmentation('list', 'dermoscopy'), MedcnnError);
    assert.equal(planAugmentation('none', 'dermoscopy'), null);
  });
});

describe('presets', () => {
  test('every preset rules on every transform and passes its own rules', () => {
    for (const p of listPresets()) {
      assert.deepEqual(Object.keys(p.rules).sort(), [...TRANSFORM_NAMES].sort(), p.modality);
      for (const r of Object.values(p.rules)) assert.ok(r.why.en.length > 10 && r.why.ja.length > 5);
      assert.deepEqual(plan(p.modality, p.modality).overridden, [], p.modality);
    }
  });
  test('auto picks the preset of each dataset’s modality', () => {
    const expected: Record<string, Modality> = {
      pneumoniamnist: 'chest-xray',
      chestmnist: 'chest-xray',
      organamnist: 'ct',
      organcmnist: 'ct',
      organsmnist: 'ct',
      breastmnist: 'ultrasound',
      octmnist: 'retinal-oct',
      retinamnist: 'fundus',
      dermamnist: 'dermoscopy',
      pathmnist: 'histopathology',
      tissuemnist: 'histopathology',
      bloodmnist: 'blood-smear',
    };
    for (const d of listDatasets()) {
      assert.equal(d.modality, expected[d.flag], d.flag);
      // auto applies the whole preset where it was measured to help, else its flips and turns (augment-evidence.test).
      const whole = presetFor(expected[d.flag])
        .transforms.split(',')
        .map((s) => (s.includes(':') ? s : `${s}:${s === 'rot90' ? 0.75 : 0.5}`));
      const p = planAugmentation('auto', d.modality);
      const applied = autoChoice(d.modality).conservative
        ? whole.filter((s) => /^(hflip|vflip|rot90):/.test(s))
        : whole;
      assert.equal(p?.list ?? '', applied.join(','), d.flag);
      if (p) assert.match(p.name, new RegExp(`^auto → ${expected[d.flag]}`));
    }
  });
});

describe('transforms on tensors', () => {
  test('same seed gives the same augmented batch; another seed another', () => {
    const x = batch();
    const fn = makeAugmentFn(plan('auto', 'chest-xray'));
    const a = fn(x, makeRng(5));
    const b = fn(x, makeRng(5));
    const c = fn(x, makeRng(6));
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
    tf.dispose([x, a, b, c]);
  });

  const strong: Record<string, number> = {
    rotate: 30,
    translate: 0.2,
    zoom: 0.3,
    hflip: 1,
    vflip: 1,
    rot90: 1,
    brightness: 0.4,
    contrast: 0.8,
    gamma: 1.5,
    noise: 0.2,
    blur: 2,
  };
  for (const [side, channels] of [
    [28, 1],
    [64, 3],
  ] as const) {
    for (const name of TRANSFORM_NAMES) {
      test(`${name}:${strong[name]} keeps shape and range at ${side}×${side}×${channels}`, () => {
        const x = batch(4, side, channels);
        const y = makeAugmentFn(plan(`${name}:${strong[name]}`, 'dermoscopy', true))(x, makeRng(1));
        assert.deepEqual(y.shape, x.shape);
        const v = y.dataSync();
        assert.ok(
          v.every((p) => Number.isFinite(p) && p >= -1 - 1e-5 && p <= 1 + 1e-5),
          name,
        );
        assert.ok(tf.any(tf.notEqual(x, y)).dataSync()[0], `${name} changed something`);
        tf.dispose([x, y]);
      });
    }
  }

  test('flips and quarter turns are exact', () => {
    const x = batch(3);
    const h = makeAugmentFn(plan('hflip:1', 'dermoscopy'))(x, makeRng(1));
    const v = makeAugmentFn(plan('vflip:1', 'dermoscopy'))(x, makeRng(1));
    const hv = makeAugmentFn(plan('hflip:1,vflip:1', 'dermoscopy'))(x, makeRng(1));
    const twice = makeAugmentFn(plan('hflip:1,hflip:1', 'dermoscopy'))(x, makeRng(1));
    const close = (a: tf.Tensor, b: tf.Tensor): boolean => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5;
    assert.ok(close(h, tf.reverse(x, 2)));
    assert.ok(close(v, tf.reverse(x, 1)));
    assert.ok(close(hv, tf.reverse(x, [1, 2])));
    assert.ok(close(twice, x), 'fused flips cancel');
    const r = makeAugmentFn(plan('rot90:1', 'dermoscopy'))(x, makeRng(1));
    const sorted = (t: tf.Tensor): number[] => Array.from(t.dataSync()).sort((a, b) => a - b);
    assert.deepEqual(sorted(r), sorted(x), 'a quarter turn only moves pixels');
    tf.dispose([x, h, v, hv, twice, r]);
  });

  test('on libtorch, a run of photometric transforms in one native call equals them one by one', async (t) => {
    const previous = tf.getBackend();
    try {
      await initEngine({ backend: 'libtorch' });
    } catch (e) {
      t.skip(`libtorch unavailable: ${(e as Error).message}`);
      return;
    }
    const kernel = tf.getKernel('LibtorchIntensity', 'libtorch');
    assert.ok(kernel, 'the native backend has the photometric kernel');
    try {
      for (const spec of [
        'auto',
        'rotate:10,brightness:0.2,contrast:0.3,blur:1,gamma:0.4,noise:0.1,zoom:0.1,brightness:0.1',
      ]) {
        const x = batch(6, 28, 1);
        const fn = makeAugmentFn(plan(spec, 'chest-xray', true));
        const fused = fn(x, makeRng(9));
        tf.unregisterKernel('LibtorchIntensity', 'libtorch');
        const oneByOne = fn(x, makeRng(9));
        tf.registerKernel(kernel);
        const diff = tf.max(tf.abs(tf.sub(fused, oneByOne))).dataSync()[0];
        assert.ok(diff < 1e-5, `${spec}: differs by ${diff}`);
        assert.ok(tf.any(tf.notEqual(fused, x)).dataSync()[0]);
        tf.dispose([x, fused, oneByOne]);
      }
    } finally {
      if (!tf.getKernel('LibtorchIntensity', 'libtorch')) tf.registerKernel(kernel);
      await initEngine({ backend: previous });
    }
  });

  test('intensity transforms leave black and white where they are when weak', () => {
    const x = tf.tensor4d([-1, 1, 0, 0.5], [1, 2, 2, 1]);
    const y = makeAugmentFn(plan('gamma:0.3', 'dermoscopy'))(x, makeRng(2));
    const v = y.dataSync();
    assert.ok(Math.abs(v[0] + 1) < 1e-6 && Math.abs(v[1] - 1) < 1e-6);
    tf.dispose([x, y]);
  });
});

describe('command line', () => {
  const run = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MEDMNIST_ROOT: dataRoot } });

  test('medcnn train --augment hflip on a chest X-ray dataset is refused before anything runs', () => {
    const r = run(['train', '--dataset', 'pneumoniamnist', '--augment', 'hflip', '--epochs', '1']);
    assert.equal(r.status, 1);
    assert.match(String(r.stderr), /dextrocardia/);
  });

  test('medcnn train --augment list explains the presets', () => {
    const r = run(['train', '--augment', 'list']);
    assert.equal(r.status, 0);
    for (const p of listPresets()) assert.match(String(r.stdout), new RegExp(p.modality));
  });

  test('medcnn augment-preview writes a PNG grid', {
    skip: !fs.existsSync(PNEUMONIA_FILE) && 'no pneumoniamnist.npz',
  }, () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'medcnn-aug-')), 'preview.png');
    const r = run([
      'augment-preview',
      '--dataset',
      'pneumoniamnist',
      '--n',
      '4',
      '--out',
      out,
      '--seed',
      '1',
      '--backend',
      'cpu',
    ]);
    assert.equal(r.status, 0, String(r.stderr));
    const png = fs.readFileSync(out);
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  });
});
