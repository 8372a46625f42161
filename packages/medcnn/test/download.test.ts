import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { downloadFile, ensureDataset } from '../src/data/download.js';
import { getDatasetInfo } from '../src/data/registry.js';
import { MedcnnError } from '../src/errors.js';
import { tempDir } from './helpers.js';

const payload = crypto.randomBytes(300_000);
const md5 = crypto.createHash('md5').update(payload).digest('hex');
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/good.npz' || req.url === '/breastmnist.npz') {
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/good.npz' });
      res.end();
    } else if (req.url === '/drop.npz') {
      // Promise the whole file, send half, then cut the connection.
      res.writeHead(200, { 'content-length': payload.length });
      res.write(payload.subarray(0, payload.length / 2), () => setTimeout(() => res.socket?.destroy(), 20));
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const leftovers = (dir: string) => fs.readdirSync(dir);

test('downloads a good file, checks its MD5 and renames it into place', async () => {
  const dir = tempDir();
  const dest = path.join(dir, 'x.npz');
  await downloadFile(`${base}/redirect`, dest, md5, { progress: false });
  assert.deepEqual(fs.readFileSync(dest), payload);
  assert.deepEqual(leftovers(dir), ['x.npz']);
});

test('a wrong MD5 leaves nothing behind and says where to put the file', async () => {
  const dir = tempDir();
  await assert.rejects(
    downloadFile(`${base}/good.npz`, path.join(dir, 'x.npz'), '0'.repeat(32), { progress: false }),
    (e: Error) => e instanceof MedcnnError && /MD5/.test(e.message) && /save it as .*x\.npz/.test(e.message),
  );
  assert.deepEqual(leftovers(dir), []);
});

test('a connection dropped halfway leaves nothing behind', async () => {
  const dir = tempDir();
  await assert.rejects(
    downloadFile(`${base}/drop.npz`, path.join(dir, 'x.npz'), md5, { progress: false }),
    (e: Error) => e instanceof MedcnnError && /failed/.test(e.message) && /Nothing was saved/.test(e.message),
  );
  assert.deepEqual(leftovers(dir), []);
});

test('a 404 is a clear error', async () => {
  const dir = tempDir();
  await assert.rejects(
    downloadFile(`${base}/missing.npz`, path.join(dir, 'x.npz'), md5, { progress: false }),
    (e: Error) => e instanceof MedcnnError && /HTTP 404/.test(e.message),
  );
  assert.deepEqual(leftovers(dir), []);
});

test('ensureDataset downloads into the root from a mirror, and checks the MD5 it lists', async () => {
  const dir = tempDir();
  process.env.MEDCNN_DOWNLOAD_BASE = base;
  try {
    // The payload is not the real BreastMNIST, so the registry's MD5 must reject it.
    await assert.rejects(ensureDataset(getDatasetInfo('breastmnist'), 28, dir, { progress: false }), /MD5/);
    assert.deepEqual(leftovers(dir), []);
  } finally {
    delete process.env.MEDCNN_DOWNLOAD_BASE;
  }
});
