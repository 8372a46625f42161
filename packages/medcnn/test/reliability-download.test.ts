import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PNEUMONIA_FILE, tempDir } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');
// The official PneumoniaMNIST file, served by a local mirror (MEDCNN_DOWNLOAD_BASE): its MD5 is the registry's.
const real = fs.readFileSync(PNEUMONIA_FILE);
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/good/pneumoniamnist.npz') {
      res.writeHead(200, { 'content-length': real.length });
      res.end(real);
    } else if (req.url === '/stall/pneumoniamnist.npz') {
      // Promise the whole file, send a tenth of it, then send nothing more (a stalled mirror).
      res.writeHead(200, { 'content-length': real.length });
      res.write(real.subarray(0, real.length / 10));
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** The real command, run asynchronously: the mirror it downloads from answers from this process. */
function medcnn(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

test('download checks the MD5 of a file already there: a corrupt one is an error that says how to fix it', async () => {
  const root = tempDir();
  const dest = path.join(root, 'pneumoniamnist.npz');
  const half = real.subarray(0, real.length / 2);
  fs.writeFileSync(dest, half);
  let r = await medcnn(['download', 'pneumoniamnist', '--root', root]);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.err,
    /^medcnn: .*pneumoniamnist\.npz is there but corrupt: its MD5 is [0-9a-f]{32}, expected [0-9a-f]{32}/m,
  );
  assert.match(r.err, /medcnn download pneumoniamnist --size 28 --force`, or remove it/);
  assert.doesNotMatch(r.out, /ready/);
  assert.deepEqual(fs.readFileSync(dest), half, 'the file is left as it was');

  // --force fetches it again (here from a local mirror) and replaces it; then it is ready, MD5 and all.
  r = await medcnn(['download', 'pneumoniamnist', '--root', root, '--force'], { MEDCNN_DOWNLOAD_BASE: `${base}/good` });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /pneumoniamnist\.npz is ready/);
  assert.deepEqual(fs.readFileSync(dest), real);
  assert.deepEqual(fs.readdirSync(root), ['pneumoniamnist.npz']);
  r = await medcnn(['download', 'pneumoniamnist', '--root', root], { MEDCNN_DOWNLOAD_BASE: `${base}/nowhere` });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /is ready/);
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(`a stalled download stopped by ${signal} removes its temporary file and exits ${code}`, async () => {
    const root = tempDir();
    const child = spawn(process.execPath, [CLI, 'download', 'pneumoniamnist', '--root', root], {
      env: { ...process.env, MEDCNN_DOWNLOAD_BASE: `${base}/stall` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
    // Wait until the partial file holds the tenth that was sent.
    const deadline = Date.now() + 30_000;
    const partial = () =>
      fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).size >= Math.floor(real.length / 10));
    while (partial().length === 0) {
      assert.ok(Date.now() < deadline, `no partial download appeared; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(partial()[0], /^\.pneumoniamnist\.npz\.download-\d+$/);
    child.kill(signal);
    const [exitCode, bySignal] = await exited;
    assert.deepEqual([exitCode, bySignal], [code, null], `stderr: ${err}`);
    assert.match(err, new RegExp(`download of pneumoniamnist\\.npz interrupted \\(${signal}\\); nothing was saved`));
    assert.deepEqual(fs.readdirSync(root), [], 'nothing is left behind');
  });
}
