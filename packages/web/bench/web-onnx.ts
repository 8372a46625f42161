/**
 * TF.js (the page's engine) beside ONNX Runtime Web (wasm) in headless Chromium: the same model, exported by
 * medcnn as TF.js layers files and as ONNX, on the same PneumoniaMNIST test images. Prints images per second for
 * both, each round and the median, and the largest difference between their logits; asserts nothing.
 *
 *   npm run bench:web-onnx --workspace packages/web -- [--models simplecnn,resnet18] [--images 256]
 *     [--batch 64] [--rounds 3] [--threads 1] [--backends page,wasm]
 *
 * `--backends`: the TF.js backends, one fresh page each; `page` is the page's own choice (WebGL, else wasm,
 * else JS). Models have random weights (speed and agreement do not depend on training). The page is served
 * from 127.0.0.1 with the headers `medcnn serve` sends; any request elsewhere fails the bench.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createTrainable, initEngine, layersModelToOnnx, readSplits, saveModel } from 'medcnn';
import { chromium } from 'playwright-core';
import { build } from 'vite';

/** What the bench page (page/engines.ts) returns. */
interface PageOutput {
  crossOriginIsolated: boolean;
  results: {
    model: string;
    tfjsBackend: string;
    tfjs: { imagesPerSecond: number[] };
    ort: { imagesPerSecond: number[] };
    maxAbsDifference: number;
  }[];
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const models = (flag('models') ?? 'simplecnn,resnet18').split(',');
const imagesWanted = Number(flag('images') ?? 256);
const batch = Number(flag('batch') ?? 64);
const rounds = Number(flag('rounds') ?? 3);
const threads = Number(flag('threads') ?? 1);
const backends = (flag('backends') ?? 'page,wasm').split(',');
const isolated = !args.includes('--not-isolated');

const WEB = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.env.MEDMNIST_ROOT ?? path.join(WEB, '../../../shared/medmnist'),
);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'medcnn-web-onnx-'));
const site = path.join(work, 'site');
const require = createRequire(import.meta.url);
const packageDist = (pkg: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'dist');

try {
  // The bench page, built by Vite as the app is, with both engines' wasm binaries beside it. Not minified:
  // tfjs-backend-wasm gives its threaded module's source to its workers as text, and minified once more it names
  // variables outside itself, so that the workers fail (`e is not defined`) in a cross-origin isolated page.
  await build({
    root: path.join(WEB, 'bench/page'),
    base: './',
    logLevel: 'warn',
    configFile: false,
    build: { outDir: site, emptyOutDir: true, chunkSizeWarningLimit: 8192, minify: false },
  });
  const copyWasm = (from: string, to: string, keep: (f: string) => boolean) => {
    fs.mkdirSync(path.join(site, to), { recursive: true });
    for (const f of fs.readdirSync(from).filter(keep)) fs.copyFileSync(path.join(from, f), path.join(site, to, f));
  };
  copyWasm(packageDist('@tensorflow/tfjs-backend-wasm'), 'tfjs-wasm', (f) => f.endsWith('.wasm'));
  // onnxruntime-web/wasm loads ort-wasm-simd-threaded.{mjs,wasm} (the package exports them by name).
  copyWasm(path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')), 'ort-wasm', (f) =>
    /^ort-wasm-simd-threaded\.(mjs|wasm)$/.test(f),
  );

  // The models: TF.js layers files and medcnn's ONNX export of the same weights.
  await initEngine({ backend: 'cpu', threads: 1 });
  const [test] = readSplits(path.join(root, 'pneumoniamnist.npz'), ['test']);
  const count = Math.min(imagesWanted, test.count);
  const side = test.height;
  for (const name of models) {
    const tm = await createTrainable(
      { architecture: name },
      { inputShape: [side, side, test.channels], numClasses: 2, learningRate: 0.001 },
    );
    const dir = path.join(site, 'models', name);
    await saveModel(tm.model, dir);
    fs.writeFileSync(path.join(dir, 'model.onnx'), layersModelToOnnx(tm.model, { multiLabel: false, metadata: {} }));
    tm.dispose();
  }
  // The test images as the run normalises them (v / 255 − 0.5) / 0.5, NHWC float32.
  const pixels = test.images.subarray(0, count * side * side * test.channels);
  fs.writeFileSync(
    path.join(site, 'images.bin'),
    Float32Array.from(pixels, (v) => (v / 255 - 0.5) / 0.5),
  );

  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.mjs': 'text/javascript',
    '.wasm': 'application/wasm',
    '.json': 'application/json',
  };
  const server = http.createServer((req, res) => {
    const file = path.join(site, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!file.startsWith(site) || !fs.existsSync(file)) return void res.writeHead(404).end();
    const target = fs.statSync(file).isDirectory() ? path.join(file, 'index.html') : file;
    res.writeHead(200, {
      'Content-Type': types[path.extname(target)] ?? 'application/octet-stream',
      ...(isolated
        ? {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
            'Cross-Origin-Resource-Policy': 'same-origin',
          }
        : {}),
    });
    fs.createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  console.log(
    `PneumoniaMNIST test set, first ${count} images (${side}×${side}), batch ${batch}, ${rounds} rounds, ` +
      `${threads} wasm thread(s) each; ${(await browser.version()) || 'Chromium'} headless, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  for (const backend of backends) {
    const context = await browser.newContext();
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && console.log(`# page: ${m.text()}`));
    page.on('crash', () => console.log('# the page crashed'));
    page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { state: 'attached' });
    const out = await page.evaluate(
      (req) => (window as unknown as { benchEngines: (r: typeof req) => Promise<PageOutput> }).benchEngines(req),
      {
        models,
        backend: backend === 'page' ? null : backend,
        threads,
        images: count,
        side,
        channels: test.channels,
        batch,
        rounds,
      },
    );
    for (const r of out.results) {
      const tfjs = median(r.tfjs.imagesPerSecond);
      const ort = median(r.ort.imagesPerSecond);
      const fmt = (v: number[]) => v.map((x) => x.toFixed(0)).join(', ');
      // The ratio taken round by round (both engines back to back), then its median: the load moves between rounds.
      const ratios = r.ort.imagesPerSecond.map((v, i) => v / r.tfjs.imagesPerSecond[i]).sort((a, b) => a - b);
      console.log(
        `${r.model.padEnd(10)} TF.js ${r.tfjsBackend}${backend === 'page' ? ' (the page’s choice)' : ''}: median ${tfjs.toFixed(0)} img/s (${fmt(r.tfjs.imagesPerSecond)}) · ` +
          `ONNX Runtime Web wasm: median ${ort.toFixed(0)} img/s (${fmt(r.ort.imagesPerSecond)}) · ` +
          `ONNX Runtime Web / TF.js: median ×${median(ratios).toFixed(2)} (range ${ratios[0].toFixed(2)}–${ratios.at(-1)!.toFixed(2)}) · ` +
          `max |Δ logits| ${r.maxAbsDifference.toExponential(2)}${out.crossOriginIsolated ? '' : ' (not cross-origin isolated: 1 thread)'}`,
      );
    }
    const foreign = requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:') && !r.startsWith('blob:'));
    if (foreign.length) throw new Error(`the bench page requested outside 127.0.0.1: ${foreign.join(', ')}`);
    await context.close();
  }
  await browser.close();
  server.close();
} finally {
  if (!process.env.KEEP_BENCH_SITE) fs.rmSync(work, { recursive: true, force: true });
}
