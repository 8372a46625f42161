import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { createModel } from '../src/models/index.js';
import { saveModel } from '../src/models/io.js';
import { writeConfigFile as writeRunConfig } from '../src/runfolder/files.js';
import type { RunConfig } from '../src/runfolder/index.js';
import { serveRun } from '../src/serve/server.js';
import { SHARED_ROOT, tempDir, pneumoniaRunConfig } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');

/** A GET over real HTTP with the Host header a browser would send for `host` (a page under another name, say). */
function get(url: string, host: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let run = '';
let config: RunConfig;
let server: http.Server;
let url = '';
let port = 0;

before(async () => {
  await initEngine({ backend: 'wasm' });
  run = path.join(tempDir(), 'run');
  fs.mkdirSync(run, { recursive: true });
  const _info = getDatasetInfo('pneumoniamnist');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, path.join(run, 'model'));
  model.dispose();
  config = pneumoniaRunConfig();
  writeRunConfig(run, config);
  ({ server, url } = await serveRun(run, { host: '127.0.0.1', port: 0, root: SHARED_ROOT }));
  port = (server.address() as { port: number }).port;
});
after(() => server?.close());

test('serve answers only to the names it listens as: another Host (DNS rebinding) gets 421 and nothing of the run', async () => {
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    assert.equal((await get(`${url}api/run.json`, host)).status, 200, host);
  }
  for (const host of [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1:${port + 1}`,
    `localhost.evil.example:${port}`,
  ]) {
    for (const route of ['', 'api/run.json', 'api/samples.json', 'model/model.json', 'model/weights.bin']) {
      const r = await get(`${url}${route}`, host);
      assert.equal(r.status, 421, `${host} /${route}`);
      assert.equal(r.body, 'Misdirected request: open this page at the address `medcnn serve` printed.\n');
    }
    assert.equal((await get(`${url}api/run.json`, host, 'POST')).status, 421);
  }
});

test('the model route serves only the files model.json names, inside model/', async () => {
  const host = `127.0.0.1:${port}`;
  assert.equal((await get(`${url}model/model.json`, host)).status, 200);
  assert.equal((await get(`${url}model/weights.bin`, host)).status, 200);
  for (const p of ['model/%2e%2e%2fconfig.json', 'model/..%2f..%2fconfig.json', 'model/%2fetc%2fpasswd', 'model/']) {
    assert.equal((await get(`${url}${p}`, host)).status, 404, p);
  }
});

test('serve --host 0.0.0.0 prints the addresses a browser can open, and answers to each of them as Host', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', run, '--host', '0.0.0.0', '--port', '0'], {
    env: { ...process.env, MEDMNIST_ROOT: SHARED_ROOT },
  });
  try {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const deadline = Date.now() + 60_000;
    while (!/note: listening on 0\.0\.0\.0/.test(out)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `serve did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.doesNotMatch(out, /http:\/\/0\.0\.0\.0/);
    const printed = [...out.matchAll(/http:\/\/([^/\s]+)\//g)].map((m) => m[1]);
    const listenPort = printed[0].split(':')[1];
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => `${a!.address}:${listenPort}`);
    assert.deepEqual(printed, [`127.0.0.1:${listenPort}`, ...external]);
    if (external.length > 0) assert.match(out, /from other machines: http:\/\//);
    // Traffic stays on loopback (tests never send to the machine's other addresses); the Host header carries
    // each printed address, which is what the server's check reads.
    for (const host of printed) {
      const r = await get(`http://127.0.0.1:${listenPort}/api/run.json`, host);
      assert.equal(r.status, 200, host);
    }
    assert.equal((await get(`http://${printed[0]}/api/run.json`, `rebind.example:${listenPort}`)).status, 421);
  } finally {
    child.kill('SIGTERM');
  }
});

test('serve refuses a damaged run at startup with a clear message (no 500 with a JavaScript error later)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /config\.json is damaged: it is not a JSON object/],
    [
      'inputShape',
      { ...config, inputShape: [28, 28] },
      /config\.json is damaged: inputShape must be \[height, width, channels\] of whole numbers, got \[28,28\]/,
    ],
    ['labels', { ...config, labels: 'normal' }, /labels must be a list of at least two \{en, ja\} names/],
    ['normalization', { ...config, normalization: { mean: 0.5, std: 0 } }, /normalization needs a mean and a std > 0/],
    ['size', { ...config, size: 27 }, /size must be one of 28, 64, 128, 224, got 27/],
  ];
  for (const [name, value, why] of cases) {
    const dir = path.join(tempDir(), name);
    fs.cpSync(run, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(value));
    const r = spawnSync(process.execPath, [CLI, 'serve', dir, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, `${name}: exit ${r.status} ${r.signal}; ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^medcnn: .*config\.json is damaged: /m);
    assert.match(r.stderr, why);
    assert.match(r.stderr, /Train the run again/);
    assert.doesNotMatch(r.stderr, /\n\s+at |TypeError/);
  }
});
