import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { blasFromMaps, ownBlas, torchBlas } from '../bench/blas.js';
import { initEngine } from '../src/engine/backend.js';

const line = (file: string) => `7f0000000000-7f0000001000 r-xp 00000000 08:01 1234   ${file}`;

test('the BLAS is named from the mapped files: reference, OpenBLAS builds, MKL', () => {
  const lib = '/usr/lib/x86_64-linux-gnu';
  assert.equal(blasFromMaps(line(`${lib}/blas/libblas.so.3.11.0`))?.name, 'reference BLAS (netlib; slow)');
  assert.equal(
    blasFromMaps([line(`${lib}/openblas-openmp/libblas.so.3`), line(`${lib}/libgomp.so.1`)].join('\n'))?.name,
    'OpenBLAS (OpenMP)',
  );
  assert.equal(blasFromMaps(line(`${lib}/openblas-pthread/libopenblasp-r0.3.21.so`))?.name, 'OpenBLAS (pthreads)');
  assert.equal(blasFromMaps(line('/opt/intel/lib/libmkl_core.so.2'))?.name, 'Intel MKL');
  assert.equal(blasFromMaps([line(`${lib}/libc.so.6`), '7f00-7f01 rw-p 00000000 00:00 0'].join('\n')), null);
});

test('the native backend and PyTorch map the same BLAS (what the bench checks before comparing)', async (t) => {
  try {
    await initEngine({ backend: 'libtorch', threads: 1 });
  } catch (e) {
    t.skip(`libtorch unavailable: ${(e as Error).message}`);
    return;
  }
  const ours = ownBlas();
  assert.ok(ours, 'the libtorch backend maps a BLAS library');
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const peer = torchBlas(python, process.env);
  if ('error' in peer) {
    t.skip(`PyTorch unavailable: ${peer.error}`);
    return;
  }
  assert.equal(peer.name, ours.name);
});
