import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import { RunFolder, type RunConfig } from '../runfolder/index.js';
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
    throw new MedcnnError('The medcnn web app (packages/web) is not installed. Run `npm ci` at the repository root.');
  }
  const dir = path.join(path.dirname(pkg), 'dist', 'app');
  if (!fs.existsSync(path.join(dir, 'index.html')))
    throw new MedcnnError(
      `The medcnn web app is not built (${dir} has no index.html). Run \`npm run build\` at the repository root.`,
    );
  return dir;
}

/** What the page learns about the run: how to feed its model, its labels, metrics and learning curve. */
function runInfo(dir: string, config: RunConfig): object {
  const read = (f: string): string | null =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : null;
  let metrics: unknown = null;
  try {
    metrics = JSON.parse(read('metrics.json') ?? 'null');
  } catch {
    metrics = null; // A damaged metrics.json only hides the metrics table.
  }
  const csv = read('history.csv');
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
    backbone: config.transfer?.backbone ?? null,
    metrics,
    history,
  };
}

/**
 * Serves the web app and one run folder: /api/run.json (the run's facts), /api/samples.json and
 * /api/samples/N.png (test images), /model/model.json and /model/weights.bin (the kept model, nothing else of
 * the folder). It never receives an image: the page classifies on the device.
 */
export function createRunServer(runDir: string, opts: Pick<ServeOptions, 'root' | 'appDir'> = {}): http.Server {
  const { config } = RunFolder.open(runDir);
  const modelDir = path.join(runDir, 'model');
  if (!fs.existsSync(path.join(modelDir, 'model.json')))
    throw new MedcnnError(
      `${runDir} has no kept model (model/model.json). Pass a folder that 'medcnn train' finished.`,
    );
  const appDir = opts.appDir ?? webAppDir();
  let samples: SampleSet | null = null;
  const getSamples = (): SampleSet => (samples ??= sampleImages(config, opts.root));

  return http.createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const json = (value: unknown): void => send(200, TYPES['.json'], JSON.stringify(value));
    try {
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
      if (route === '/api/run.json') return json(runInfo(runDir, config));
      if (route === '/api/samples.json') {
        const s = getSamples();
        return json({ samples: s.items.map(({ png: _png, ...item }) => item), reason: s.reason });
      }
      const sample = /^\/api\/samples\/(\d+)\.png$/.exec(route);
      if (sample) {
        const item = getSamples().items.find((i) => i.index === Number(sample[1]));
        return item ? send(200, TYPES['.png'], item.png) : send(404, 'text/plain', 'No such sample.\n');
      }
      if (route === '/model/model.json' || route === '/model/weights.bin')
        return sendFile(path.join(modelDir, path.basename(route)));
      const file = route === '/' ? 'index.html' : route.slice(1);
      const resolved = path.resolve(appDir, file);
      if (!resolved.startsWith(appDir + path.sep)) return send(404, 'text/plain', 'Not found.\n');
      return sendFile(resolved);
    } catch (e) {
      return send(500, 'text/plain', `${(e as Error).message}\n`);
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
}

/** Starts serving; resolves with the address the page is at. */
export async function serveRun(runDir: string, opts: ServeOptions): Promise<{ server: http.Server; url: string }> {
  const server = createRunServer(runDir, opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MedcnnError(
          e.code === 'EADDRINUSE'
            ? `Port ${opts.port} is in use. Choose another with --port (0 picks a free one).`
            : `Cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}.`,
        ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { server, url: `http://${host}:${address.port}/` };
}
