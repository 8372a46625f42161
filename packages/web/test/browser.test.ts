import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

// The page in a real browser: Debian's Chromium, driven by Playwright, against `medcnn serve` on a tiny run.
const WEB = path.resolve(import.meta.dirname, '../..');
const CLI = path.resolve(WEB, '../medcnn/bin/medcnn.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// A relative MEDMNIST_ROOT means the folder npm was run from (INIT_CWD), not this package's.
const DATA_ROOT = process.env.MEDMNIST_ROOT
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.MEDMNIST_ROOT)
  : path.resolve(WEB, '../../../shared/medmnist');
const ARTIFACTS = path.join(WEB, 'test-artifacts');
// The flags that work on this machine kind (the env notes): no sandbox as root, no GPU, no background traffic.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const skip = !fs.existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !fs.existsSync(path.join(DATA_ROOT, 'pneumoniamnist.npz'))
    ? `no pneumoniamnist.npz under ${DATA_ROOT} (set MEDMNIST_ROOT)`
    : false;
if (skip) console.log(`# browser tests skipped: ${skip}`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'medcnn-web-test-'));
const run = path.join(work, 'run');
const servers: ChildProcess[] = [];
let browser: Browser;

function medcnn(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDMNIST_ROOT: DATA_ROOT },
    timeout: 600_000,
  });
}

/** Starts `medcnn serve` on a free port and returns the page's address once it listens. */
async function serve(dir: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'serve', dir, '--port', '0'], {
    env: { ...process.env, MEDMNIST_ROOT: DATA_ROOT },
  });
  servers.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`medcnn serve exited with ${code}: ${out}`)));
  });
}

/** A fresh page that records every request it makes. */
async function openPage(url: string): Promise<{ page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  await page.goto(url);
  return { page, requests };
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

before(async () => {
  if (skip) return;
  const r = medcnn(['train', '--epochs', '1', '--out', run, '--no-progress', '--seed', '42']);
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  for (const s of servers) s.kill('SIGTERM');
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('the page classifies a test image as medcnn predict does, shows a Grad-CAM, and talks to 127.0.0.1 only', {
  skip,
  timeout: 300_000,
}, async () => {
  const url = await serve(run);
  const { page, requests } = await openPage(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const backend = await page.textContent('#engine');
  console.log(`# ${backend}`);

  // A PneumoniaMNIST test image, as the server offers it, written to disk and given to both.
  const sample = await page.evaluate(async () => {
    const list = (await (await fetch('./api/samples.json')).json()) as {
      samples: { index: number; labels: number[] }[];
    };
    const pick = list.samples.find((s) => s.labels[0] === 1)!;
    const bytes = new Uint8Array(await (await fetch(`./api/samples/${pick.index}.png`)).arrayBuffer());
    return { index: pick.index, bytes: Array.from(bytes) };
  });
  const png = path.join(work, `test-${sample.index}.png`);
  fs.writeFileSync(png, Uint8Array.from(sample.bytes));
  const cli = medcnn(['predict', run, png, '--json']);
  assert.equal(cli.status, 0, cli.stderr);
  const expected = (JSON.parse(cli.stdout) as { probabilities: number[] }[])[0].probabilities;

  await page.setInputFiles('#file', png);
  await page.waitForSelector('body[data-classified="1"]', { timeout: 60_000 });
  const shown = await page.$$eval('#probs li', (items) =>
    items.map((li) => ({
      value: Number((li as HTMLElement).dataset.value),
      text: li.querySelector('.value')!.textContent!,
    })),
  );
  assert.equal(shown.length, expected.length);
  shown.forEach((s, i) => {
    assert.ok(Math.abs(s.value - expected[i]) < 1e-4, `class ${i}: page ${s.value}, medcnn predict ${expected[i]}`);
    assert.ok(
      Math.abs(Number.parseFloat(s.text) / 100 - expected[i]) < 1e-4,
      `class ${i}: shown '${s.text}', medcnn predict ${expected[i]}`,
    );
  });

  const heat = await page.$eval('#cam-heat', (c) => {
    const data = (c as HTMLCanvasElement)
      .getContext('2d')!
      .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
    const colours = new Set<number>();
    let painted = 0;
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3] > 0) painted++;
      colours.add((data[p] << 16) | (data[p + 1] << 8) | data[p + 2]);
    }
    return { painted, colours: colours.size, total: data.length / 4 };
  });
  assert.equal(heat.painted, heat.total, 'the Grad-CAM canvas is painted everywhere');
  assert.ok(heat.colours > 10, `the Grad-CAM map varies (${heat.colours} colours)`);
  assert.match((await page.textContent('#cam-caption'))!, /Grad-CAM for “.+” on layer/);
  // The metrics and learning curve of the run are shown.
  assert.match((await page.textContent('#metrics'))!, /AUC/);
  await shot(page, 'classify-en.png');

  await page.click('[data-lang="ja"]');
  assert.match((await page.textContent('#cam-caption'))!, /の Grad-CAM/);
  assert.match((await page.textContent('h1'))!, /端末/);
  await shot(page, 'classify-ja.png');

  const foreign = requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:') && !r.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'every request stays on the medcnn server');
  assert.ok(
    requests.some((r) => r.endsWith('/model/weights.bin')),
    'the model is fetched from the server',
  );
  await page.context().close();
});

test("the wasm engine (?backend=wasm) starts under the server's isolation and classifies as medcnn predict does", {
  skip,
  timeout: 180_000,
}, async () => {
  const url = await serve(run);
  const { page } = await openPage(`${url}?backend=wasm`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  assert.match((await page.textContent('#engine'))!, /wasm/);
  const png = path.join(work, 'wasm-sample.png');
  const bytes = await page.evaluate(async () => {
    const list = (await (await fetch('./api/samples.json')).json()) as { samples: { index: number }[] };
    return Array.from(new Uint8Array(await (await fetch(`./api/samples/${list.samples[0].index}.png`)).arrayBuffer()));
  });
  fs.writeFileSync(png, Uint8Array.from(bytes));
  const cli = medcnn(['predict', run, png, '--json']);
  assert.equal(cli.status, 0, cli.stderr);
  const expected = (JSON.parse(cli.stdout) as { probabilities: number[] }[])[0].probabilities;
  await page.setInputFiles('#file', png);
  await page.waitForSelector('body[data-classified="1"]', { timeout: 60_000 });
  const shown = await page.$$eval('#probs li', (items) => items.map((li) => Number((li as HTMLElement).dataset.value)));
  assert.equal(shown.length, expected.length);
  shown.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `class ${i}: page ${v}, predict ${expected[i]}`));
  await page.context().close();
});

test('the anatomy page shows conv, ReLU and pooling of the chosen filter, and the multiply-adds of a pixel', {
  skip,
  timeout: 180_000,
}, async () => {
  const url = await serve(run);
  const { page, requests } = await openPage(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const first = await page.$eval('#sample', (s) => (s as HTMLSelectElement).options[1].value);
  await page.selectOption('#sample', first);
  await page.waitForSelector('body[data-classified="1"]');
  // Keyboard only: to the anatomy tab with the arrow key, then the filter and the probe.
  await page.focus('#tab-classify');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-anatomy', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#page-anatomy'), true);
  assert.equal(await page.isVisible('#page-classify'), false);
  const filters = await page.$$eval('#filter option', (o) => o.map((x) => x.textContent));
  assert.ok(
    filters.includes('Vertical edge (hand-made)') && filters.some((f) => /^Learned filter 1 of \d+/.test(f!)),
    filters.join(' | '),
  );
  await page.selectOption('#filter', '0');
  await page.focus('#stage-conv');
  await page.keyboard.press('ArrowRight');
  const detail = (await page.textContent('#detail .formula'))!;
  const m = /^S\((\d+), (\d+)\) = .* = (-?\d+\.\d+)$/.exec(detail);
  assert.ok(m, detail);
  assert.deepEqual([Number(m[1]), Number(m[2])], [14, 15]);
  // The probed value is the sum of the nine products listed under it.
  const terms = await page.$$eval('#detail td', (cells) => cells.map((c) => c.textContent!.split(' × ').map(Number)));
  assert.equal(terms.length, 9);
  const sum = terms.reduce((s, [a, b]) => s + a * b, 0);
  assert.ok(Math.abs(sum - Number(m[3])) < 0.01, `Σ I·K = ${sum}, shown ${m[3]}`);
  const pool = await page.$eval('#stage-pool', (c) =>
    (c as HTMLCanvasElement)
      .getContext('2d')!
      .getImageData(0, 0, 224, 224)
      .data.some((v, i) => i % 4 !== 3 && v < 250),
  );
  assert.ok(pool, 'the pooled map is drawn');
  await shot(page, 'anatomy-en.png');
  await page.click('[data-lang="ja"]');
  assert.match((await page.textContent('#cap-pool'))!, /最大プーリング/);
  await shot(page, 'anatomy-ja.png');
  assert.deepEqual(
    requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:') && !r.startsWith('blob:')),
    [],
  );
  await page.context().close();
});

test('bad input in the page gets a clear message, not a blank screen', { skip, timeout: 180_000 }, async () => {
  const url = await serve(run);
  const { page } = await openPage(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const notes = path.join(work, 'notes.txt');
  fs.writeFileSync(notes, 'not an image\n');
  await page.setInputFiles('#file', notes);
  await page.waitForSelector('#message:not([hidden])');
  assert.match((await page.textContent('#message'))!, /“notes\.txt” is not a PNG or JPEG image/);
  // A PNG whose header claims 100,000 × 100,000 pixels is refused before it is decoded.
  const huge = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(huge);
  huge.writeUInt32BE(100_000, 16);
  huge.writeUInt32BE(100_000, 20);
  const hugeFile = path.join(work, 'huge.png');
  fs.writeFileSync(hugeFile, huge);
  await page.setInputFiles('#file', hugeFile);
  await page.waitForFunction(() => /too large/.test(document.querySelector('#message')!.textContent!));
  // A damaged PNG.
  const broken = path.join(work, 'broken.png');
  fs.writeFileSync(
    broken,
    Buffer.concat([huge.subarray(0, 16), Buffer.from([0, 0, 0, 28, 0, 0, 0, 28]), Buffer.alloc(40, 7)]),
  );
  await page.setInputFiles('#file', broken);
  await page.waitForFunction(() => /could not be decoded/.test(document.querySelector('#message')!.textContent!));
  await page.context().close();
});

test('a run whose model files are damaged or missing shows a clear message in the page', {
  skip,
  timeout: 180_000,
}, async () => {
  for (const damage of ['truncate', 'remove'] as const) {
    const copy = path.join(work, `damaged-${damage}`);
    fs.cpSync(run, copy, { recursive: true });
    const weights = path.join(copy, 'model', 'weights.bin');
    if (damage === 'truncate') fs.truncateSync(weights, 1000);
    else fs.rmSync(weights);
    const url = await serve(copy);
    const { page } = await openPage(url);
    await page.waitForSelector('body[data-state="error"]', { timeout: 120_000 });
    assert.match((await page.textContent('#message'))!, /model files are missing or damaged/);
    await page.context().close();
  }
});

// A PyTorch network brought in through ONNX (medcnn train --pretrained FILE.onnx) is saved as ordinary TF.js
// layers: EfficientNet-B0's squeeze-and-excitation gates broadcast through tfjs-layers' own Multiply, its
// ImageNet normalisation is a 1×1 layer. The page must load it and compute what the CLI computes.
const PYTHON = '/usr/bin/python3';
const noTorch =
  spawnSync(PYTHON, ['-c', 'import torch, torchvision']).status === 0
    ? false
    : `${PYTHON} lacks torch/torchvision (apt-get install python3-torch python3-torchvision)`;

test('a run fine-tuned from a PyTorch ONNX backbone (EfficientNet-B0) classifies in the page as medcnn predict does', {
  skip: skip || noTorch,
  timeout: 300_000,
}, async () => {
  const onnxDir = path.join(work, 'onnx');
  fs.mkdirSync(onnxDir);
  const script = path.resolve(WEB, '../medcnn/test/torchvision_to_onnx.py');
  const py = spawnSync(PYTHON, [script, onnxDir, '32', 'efficientnet_b0'], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  // A few hundred real X-rays (the medcnn tests' helper), so one epoch takes seconds.
  const helpers = path.resolve(WEB, '../medcnn/dist/test/helpers.js');
  const { smallPneumoniaRoot } = (await import(helpers)) as {
    smallPneumoniaRoot: (a: number, b: number, c: number) => string;
  };
  const root = smallPneumoniaRoot(128, 32, 32);
  const onnxRun = path.join(work, 'onnx-run');
  const train = spawnSync(
    process.execPath,
    [
      CLI,
      'train',
      '--root',
      root,
      '--pretrained',
      path.join(onnxDir, 'efficientnet_b0.onnx'),
      '--mean',
      '0.485,0.456,0.406',
      '--std',
      '0.229,0.224,0.225',
      '--input-size',
      '32',
      '--freeze',
      'none',
      '--epochs',
      '1',
      '--no-progress',
      '--out',
      onnxRun,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(train.status, 0, train.stderr);
  const url = await serve(onnxRun);
  const { page } = await openPage(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const sample = await page.evaluate(async () => {
    const list = (await (await fetch('./api/samples.json')).json()) as { samples: { index: number }[] };
    const bytes = new Uint8Array(await (await fetch(`./api/samples/${list.samples[0].index}.png`)).arrayBuffer());
    return Array.from(bytes);
  });
  const png = path.join(work, 'onnx-sample.png');
  fs.writeFileSync(png, Uint8Array.from(sample));
  const cli = spawnSync(process.execPath, [CLI, 'predict', onnxRun, png, '--json'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const expected = (JSON.parse(cli.stdout) as { probabilities: number[] }[])[0].probabilities;
  await page.setInputFiles('#file', png);
  await page.waitForSelector('body[data-classified="1"]', { timeout: 60_000 });
  const shown = await page.$$eval('#probs li', (items) => items.map((li) => Number((li as HTMLElement).dataset.value)));
  expected.forEach((p, i) =>
    assert.ok(Math.abs(shown[i] - p) < 1e-4, `class ${i}: page ${shown[i]}, medcnn predict ${p}`),
  );
  await page.context().close();
});
