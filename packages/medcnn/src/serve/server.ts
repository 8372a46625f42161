import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import { readModelFiles } from '../models/io.js';
import { RunFolder } from '../runfolder/index.js';
import { sampleImages, type SampleSet } from './samples.js';

/** Where `medcnn serve` listens and what it serves. */
export interface ServeOptions {
  host: string;
  port: number;
  /** Data folder for the run's test images (else MEDMNIST_ROOT, else ~/.medmnist). */
  root?: string;
  /** The built web app; by default the medcnn-web package's dist/app. */
  appDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.bin': 'application/octet-stream',
};

// The page may talk to this server only: the browser itself refuses any other address (no image can leave).
// Cross-origin isolation lets the wasm backend use threads.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The built web app's folder, with a clear error when it has not been built. */
export function webAppDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('medcnn-web/package.json');
  } catch {
    throw new MedcnnError(
      'The medcnn web app (packages/web) is not installed. Run `npm ci` at the repository root.',
      'medcnn のウェブアプリ（packages/web）がインストールされていません。リポジトリのルートで `npm ci` を実行してください。',
    );
  }
  const dir = path.join(path.dirname(pkg), 'dist', 'app');
  if (!fs.existsSync(path.join(dir, 'index.html')))
    throw new MedcnnError(
      `The medcnn web app is not built (${dir} has no index.html). Run \`npm run build\` at the repository root.`,
      `medcnn のウェブアプリがビルドされていません（${dir} に index.html がありません）。リポジトリのルートで \`npm run build\` を実行してください。`,
    );
  return dir;
}

/** What the page learns about the run: how to feed its model, its labels, metrics and learning curve. */
function runInfo(run: RunFolder): object {
  const { dir, config } = run;
  // A damaged metrics.json reads as none: it only hides the metrics table.
  const saved = run.readMetrics();
  const metrics = Object.keys(saved).length ? saved : null;
  const csv = run.readHistoryCsv();
  const history = csv
    ? csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [epoch, trainLoss, valLoss, valAcc, valAuc] = line.split(',').map(Number);
          return { epoch, trainLoss, valLoss, valAcc, valAuc };
        })
    : [];
  return {
    run: path.basename(path.resolve(dir)),
    dataset: config.dataset,
    size: config.size,
    model: config.model,
    task: config.task,
    labels: config.labels,
    inputShape: config.inputShape,
    normalization: config.normalization,
    fit: config.source?.fit ?? 'stretch',
    backbone: config.transfer?.backbone ?? null,
    temperature: config.temperature,
    threshold: config.operatingPoint?.threshold,
    positiveClass: config.positiveClass,
    metrics,
    history,
  };
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARDS = ['0.0.0.0', '::', ''];

/** An address as it appears in a URL and in a Host header: IPv6 in brackets. */
const urlHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/**
 * The machine's addresses other machines can use, for a server listening on every interface (0.0.0.0 for IPv4,
 * :: for both): not loopback, not IPv6 link-local (a browser cannot open those).
 */
export function externalAddresses(host: string): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || (a.family === 'IPv6' && (host === '0.0.0.0' || a.scopeid))) continue;
      out.push(a.address);
    }
  }
  return out;
}

/**
 * The Host header values the server answers to: the loopback names, the --host value, and for 0.0.0.0 or ::
 * the machine's addresses and name, each with the port (alone for port 80). Anything else is a page reaching
 * it under a borrowed name (DNS rebinding), refused with 421.
 */
function allowedHosts(host: string | undefined, address: AddressInfo): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  for (const h of [host, address.address]) {
    if (h === undefined) continue;
    if (WILDCARDS.includes(h)) {
      for (const a of externalAddresses(h)) names.add(urlHost(a));
      names.add(os.hostname().toLowerCase());
    } else names.add(urlHost(h.toLowerCase()));
  }
  const allowed = new Set<string>();
  for (const n of names) {
    allowed.add(`${n}:${address.port}`);
    if (address.port === 80) allowed.add(n);
  }
  return allowed;
}

/**
 * Serves the web app and one run folder: /api/run.json (the run's facts), /api/samples.json and
 * /api/samples/N.png (test images), /model/model.json and the weight files it names (the kept model, nothing
 * else of the folder). It never receives an image: the page classifies on the device. It answers only to the
 * host names it listens as (see allowedHosts). A run the page could not use is refused here, with the reason.
 */
export function createRunServer(
  runDir: string,
  opts: Pick<ServeOptions, 'root' | 'appDir'> & { host?: string } = {},
): http.Server {
  // A run the page could not use (damaged config.json, newer format) is refused here, with the reason.
  const run = RunFolder.open(runDir);
  const modelDir = run.modelDir('kept');
  if (!fs.existsSync(path.join(modelDir, 'model.json')))
    throw new MedcnnError(
      `${runDir} has no kept model (model/model.json). Pass a folder that 'medcnn train' finished.`,
      `${runDir} には保存された最良のモデル（model/model.json）がありません。'medcnn train' が最後まで終えたフォルダを指定してください。`,
    );
  // Only the files model.json names, each checked to be inside model/ (a missing one is the page's to report).
  const modelFiles = new Map([['model.json', path.join(modelDir, 'model.json')]]);
  for (const { name, file } of readModelFiles(modelDir, { allowMissing: true }).weightPaths)
    modelFiles.set(path.posix.normalize(name.replaceAll('\\', '/')), file);
  const appDir = opts.appDir ?? webAppDir();
  let samples: Promise<SampleSet> | null = null;
  const getSamples = (): Promise<SampleSet> => (samples ??= sampleImages(run, opts.root));
  let allowed: Set<string> | null = null;

  const server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const json = (value: unknown): void => send(200, TYPES['.json'], JSON.stringify(value));
    try {
      allowed ??= allowedHosts(opts.host, server.address() as AddressInfo);
      if (!allowed.has((req.headers.host ?? '').toLowerCase())) {
        // Says nothing of the machine: a page that rebinds a name to it can read this answer.
        return send(
          421,
          'text/plain; charset=utf-8',
          'Misdirected request: open this page at the address `medcnn serve` printed.\n',
        );
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(405, 'text/plain', 'Only GET and HEAD: this server receives nothing.\n');
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      let route: string;
      try {
        route = decodeURIComponent(url.pathname);
      } catch {
        return send(400, 'text/plain', 'Malformed address.\n');
      }
      if (route === '/api/run.json') return json(runInfo(run));
      if (route === '/api/samples.json') {
        void getSamples().then((s) =>
          json({ samples: s.items.map(({ png: _png, ...item }) => item), reason: s.reason }),
        );
        return;
      }
      const sample = /^\/api\/samples\/(\d+)\.png$/.exec(route);
      if (sample) {
        void getSamples().then((s) => {
          const item = s.items.find((i) => i.index === Number(sample[1]));
          return item ? send(200, TYPES['.png'], item.png) : send(404, 'text/plain', 'No such sample.\n');
        });
        return;
      }
      if (route.startsWith('/model/')) {
        const file = modelFiles.get(route.slice('/model/'.length));
        return file ? sendFile(file) : send(404, 'text/plain', 'Not found.\n');
      }
      const file = route === '/' ? 'index.html' : route.slice(1);
      const resolved = path.resolve(appDir, file);
      if (!resolved.startsWith(appDir + path.sep)) return send(404, 'text/plain', 'Not found.\n');
      return sendFile(resolved);
    } catch (e) {
      // The terminal gets the details; the page gets no internals.
      console.error(`medcnn serve: internal error on ${req.url}:`, e);
      return send(500, 'text/plain', 'Internal error in medcnn serve; the terminal running it has the details.\n');
    }

    function sendFile(file: string): void {
      let body: Buffer;
      try {
        body = fs.readFileSync(file);
      } catch {
        send(404, 'text/plain', 'Not found.\n');
        return;
      }
      send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', body);
    }
  });
  return server;
}

/**
 * Starts serving; resolves with the address the page is at and every address it can be opened at (for 0.0.0.0
 * or ::, the machine's own addresses, since a browser cannot open 0.0.0.0).
 */
export async function serveRun(
  runDir: string,
  opts: ServeOptions,
): Promise<{ server: http.Server; url: string; urls: string[] }> {
  const server = createRunServer(runDir, opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new MedcnnError(
              `Port ${opts.port} is in use. Choose another with --port (0 picks a free one).`,
              `ポート ${opts.port} は使用中です。--port で別のポートを指定してください（0 なら空いているポートを選びます）。`,
            )
          : new MedcnnError(
              `Cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}.`,
              `${opts.host}:${opts.port} で待ち受けできません: ${e.code ?? e.message}。`,
            ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const at = (host: string): string => `http://${urlHost(host)}:${port}/`;
  const urls = WILDCARDS.includes(opts.host)
    ? [at(opts.host === '::' ? '::1' : '127.0.0.1'), ...externalAddresses(opts.host).map(at)]
    : [at(opts.host)];
  return { server, url: urls[0], urls };
}
