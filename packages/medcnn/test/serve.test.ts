import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { initEngine } from '../src/engine/backend.js';
import { imageHeader, imageSizeProblem, modelPixels, normalizePixels } from '../src/data/pixels.js';
import { getDatasetInfo } from '../src/data/registry.js';
import { createModel, saveModel } from '../src/models/index.js';
import { writeConfigFile as writeRunConfig } from '../src/runfolder/files.js';
import { serveRun } from '../src/serve/server.js';
import { pneumonia, SHARED_ROOT, tempDir, pneumoniaRunConfig } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

test('modelPixels: same size is a copy, colour becomes luma, shrinking averages, growing interpolates', () => {
  const rgba = (w: number, h: number, f: (x: number, y: number) => [number, number, number]): Uint8Array => {
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set([...f(x, y), 255], (y * w + x) * 4);
    return out;
  };
  const [, , testSplit] = pneumonia();
  const gray = rgba(28, 28, (x, y) => {
    const v = testSplit.images[y * 28 + x];
    return [v, v, v];
  });
  assert.deepEqual(
    modelPixels(gray, 28, 28, 28, 28, 1),
    testSplit.images.subarray(0, 784),
    'a 28×28 gray image is read exactly',
  );
  assert.deepEqual(
    Array.from(
      modelPixels(
        rgba(1, 1, () => [200, 100, 50]),
        1,
        1,
        1,
        1,
        1,
      ),
    ),
    [Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)],
  );
  assert.deepEqual(
    Array.from(
      modelPixels(
        rgba(1, 1, () => [7, 7, 7]),
        1,
        1,
        1,
        1,
        3,
      ),
    ),
    [7, 7, 7],
    'gray is repeated for 3-channel models',
  );
  // A 1-pixel checkerboard shrunk 4× is its mean gray everywhere (no aliasing), a constant image stays constant.
  const checker = modelPixels(
    rgba(112, 112, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0])),
    112,
    112,
    28,
    28,
    1,
  );
  assert.ok(
    checker.every((v) => Math.abs(v - 127.5) <= 1),
    `checkerboard → ${Math.min(...checker)}..${Math.max(...checker)}`,
  );
  assert.ok(
    modelPixels(
      rgba(300, 200, () => [90, 90, 90]),
      300,
      200,
      28,
      28,
      1,
    ).every((v) => v === 90),
  );
  // Growing a left-dark/right-bright image keeps it monotone from left to right.
  const grown = modelPixels(
    rgba(4, 4, (x) => [x * 80, x * 80, x * 80]),
    4,
    4,
    16,
    16,
    1,
  );
  for (let x = 1; x < 16; x++) assert.ok(grown[x] >= grown[x - 1]);
  assert.deepEqual(Array.from(normalizePixels([0, 255], { mean: 0.5, std: 0.5 })), [-1, 1]);
});

test('image headers are read without decoding; huge images are refused', () => {
  const png = Buffer.alloc(24);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(png);
  png.writeUInt32BE(640, 16);
  png.writeUInt32BE(480, 20);
  assert.deepEqual(imageHeader(png), { kind: 'png', width: 640, height: 480 });
  // A JPEG: SOI, an APP0 segment, then SOF0 with height 300 and width 500.
  const jpeg = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x01, 0xf4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ]);
  assert.deepEqual(imageHeader(jpeg), { kind: 'jpeg', width: 500, height: 300 });
  assert.equal(imageHeader(Buffer.from('hello, not an image')), null);
  assert.equal(imageSizeProblem(4000, 3000), null);
  assert.match(imageSizeProblem(100_000, 100_000)!, /100000×100000 pixels/);
  assert.match(imageSizeProblem(0, 10)!, /no pixels/);
});

let run = '';
let server: http.Server;
let url = '';

before(async () => {
  await initEngine({ backend: 'wasm' });
  run = path.join(tempDir(), 'run');
  fs.mkdirSync(run, { recursive: true });
  const _info = getDatasetInfo('pneumoniamnist');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, path.join(run, 'model'));
  model.dispose();
  const config = pneumoniaRunConfig();
  writeRunConfig(run, config);
  fs.writeFileSync(
    path.join(run, 'history.csv'),
    'epoch,train_loss,val_loss,val_acc,val_auc,seconds,samples_per_second\n1,0.3,0.2,0.9,0.95,2.0,2000\n',
  );
  ({ server, url } = await serveRun(run, { host: '127.0.0.1', port: 0, root: SHARED_ROOT }));
});

after(() => server?.close());

test('medcnn serve: the app, the run facts, test images and the kept model, on 127.0.0.1 with a strict policy', async () => {
  assert.equal((server.address() as { address: string }).address, '127.0.0.1');
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
  assert.match(page.headers.get('content-security-policy')!, /connect-src 'self'/);
  assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');

  const info = (await (await fetch(`${url}api/run.json`)).json()) as {
    dataset: string;
    inputShape: number[];
    labels: { en: string }[];
    history: { valAuc: number }[];
    metrics: unknown;
  };
  assert.deepEqual(
    [info.dataset, info.inputShape.join(), info.labels.map((l) => l.en).join()],
    ['pneumoniamnist', '28,28,1', 'normal,pneumonia'],
  );
  assert.deepEqual(
    info.history.map((h) => h.valAuc),
    [0.95],
  );
  assert.equal(info.metrics, null);

  const { samples } = (await (await fetch(`${url}api/samples.json`)).json()) as {
    samples: { index: number; labels: number[] }[];
  };
  assert.equal(samples.length, 12);
  assert.deepEqual(
    [0, 1].map((c) => samples.filter((s) => s.labels[0] === c).length),
    [6, 6],
  );
  // A sample PNG holds exactly the test image's pixels.
  const [, , testSplit] = pneumonia();
  const pick = samples[3];
  const png = Buffer.from(await (await fetch(`${url}api/samples/${pick.index}.png`)).arrayBuffer());
  const image = await loadImage(png);
  const g = createCanvas(28, 28).getContext('2d');
  g.drawImage(image, 0, 0);
  const rgba = g.getImageData(0, 0, 28, 28).data;
  const pixels = Array.from({ length: 784 }, (_, p) => rgba[p * 4]);
  assert.deepEqual(pixels, Array.from(testSplit.images.subarray(pick.index * 784, (pick.index + 1) * 784)));
  assert.equal(testSplit.labels[pick.index], pick.labels[0]);

  const modelJson = await fetch(`${url}model/model.json`);
  assert.equal(modelJson.status, 200);
  assert.equal((await fetch(`${url}model/weights.bin`)).headers.get('content-type'), 'application/octet-stream');
  // Nothing else of the run folder, nothing outside the app, and nothing is accepted.
  for (const p of [
    'config.json',
    'model/../config.json',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    'assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
    'api/samples/99999.png',
  ]) {
    assert.equal((await fetch(`${url}${p}`)).status, 404, p);
  }
  assert.equal((await fetch(`${url}%E0%A4%A`)).status, 400, 'a malformed address');
  const post = await fetch(`${url}api/run.json`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
});

test('medcnn serve refuses what it cannot serve, with a clear message', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  let r = cli(['serve', tempDir()]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^medcnn: .* is not a medcnn run folder \(no config\.json\)/m);
  const noModel = tempDir();
  fs.copyFileSync(path.join(run, 'config.json'), path.join(noModel, 'config.json'));
  r = cli(['serve', noModel]);
  assert.match(r.stderr, /has no kept model \(model\/model\.json\)/);
  r = cli(['serve', run, '--port', '70000']);
  assert.match(r.stderr, /--port must be at most 65535/);
  r = cli(['serve']);
  assert.match(r.stderr, /usage: medcnn serve RUN_DIR/);
});
