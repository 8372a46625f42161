/**
 * Which libtorch the build finds (LIBTORCH, a Python's torch package, Debian's) and what it reports, and the
 * device check: a CUDA request against a libtorch without CUDA, or with CUDA and no GPU, is a clear error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkDevice, deviceSupport, libtorchVersion } from '../src/index.js';
import { skipReason } from '../testing/helpers.js';

const script = fileURLToPath(new URL('../../scripts/libtorch-path.cjs', import.meta.url));
const paths = createRequire(import.meta.url)(script) as {
  libraries(found: unknown): string[];
  defines(found: unknown): string[];
  describe(found: unknown): string;
  standard(found: unknown): string;
};
const debianLib = '/usr/lib/x86_64-linux-gnu';
const hasDebian = fs.existsSync('/usr/include/ATen/ATen.h') && fs.existsSync(`${debianLib}/libtorch_cpu.so`);

/** What scripts/libtorch-path.cjs answers: a libtorch, or why none. */
interface Found {
  include?: string;
  source?: string;
  version?: string;
  cuda?: boolean;
  cxx11Abi?: boolean;
  cxxStd?: number;
  reason?: string;
}

/** The version Debian's torch/version.h states, read here on its own. */
function debianHeaderVersion(): string {
  const text = fs.readFileSync('/usr/include/torch/csrc/api/include/torch/version.h', 'utf8');
  const part = (name: string) => text.match(new RegExp(`#define TORCH_VERSION_${name} (\\d+)`))?.[1];
  return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
}

/** What the install step's search finds in a child process with `env` (no LIBTORCH etc. unless given). */
function search(env: Record<string, string>): Found {
  const clean = { ...process.env };
  delete clean.LIBTORCH;
  delete clean.TFJS_LIBTORCH_FOUND;
  delete clean.TFJS_LIBTORCH_PYTHON;
  const r = spawnSync(
    process.execPath,
    ['-e', `console.log(JSON.stringify(require(${JSON.stringify(script)}).search()))`],
    { encoding: 'utf8', env: { ...clean, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Found;
}

/**
 * A folder laid out like an unpacked libtorch: Debian's headers (linked), and either links to Debian's
 * libraries or stand-in files of its own (a wheel's, here with CUDA and the pre-C++11 string ABI).
 */
function fakeLibtorch(dir: string, libraries: 'debian' | 'cuda-wheel'): void {
  fs.mkdirSync(path.join(dir, 'include'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  for (const h of ['ATen', 'c10', 'torch']) fs.symlinkSync(`/usr/include/${h}`, path.join(dir, 'include', h));
  for (const l of ['libtorch_cpu.so', 'libc10.so']) {
    if (libraries === 'debian') fs.symlinkSync(`${debianLib}/${l}`, path.join(dir, 'lib', l));
    else fs.writeFileSync(path.join(dir, 'lib', l), 'not a library');
  }
  if (libraries === 'cuda-wheel') fs.writeFileSync(path.join(dir, 'lib', 'libtorch_cuda.so'), '');
}

describe('finding libtorch', { skip: hasDebian ? false : "Debian's libtorch-dev is not installed" }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libtorch-location-'));

  it("finds Debian's libtorch-dev when nothing else is named, with its version, CPU only", () => {
    const found = search({ TFJS_LIBTORCH_PYTHON: '/nonexistent/python3' });
    assert.equal(found.source, "Debian's libtorch-dev");
    assert.equal(found.version, debianHeaderVersion()); // 1.13.0 on Debian 12, 2.6.0 on Debian 13
    assert.equal(found.cuda, false);
    assert.equal(found.cxx11Abi, true);
    assert.equal(found.cxxStd, 17); // 1.13's headers ask for C++14, 2.6's for 17; the addon needs 17
    assert.equal(paths.standard(found), '-std=c++17');
  });

  it('compiles with the C++ standard the headers ask for (a libtorch that requires C++20 gets -std=c++20)', () => {
    const root = path.join(tmp, 'libtorch-cxx20');
    fakeLibtorch(root, 'debian');
    // Headers of their own, as a libtorch that checks for C++20 would have.
    fs.unlinkSync(path.join(root, 'include', 'ATen'));
    fs.mkdirSync(path.join(root, 'include', 'ATen'));
    fs.writeFileSync(
      path.join(root, 'include', 'ATen', 'ATen.h'),
      '#if __cplusplus < 202002L\n#error C++20 or later compatible compiler is required to use ATen.\n#endif\n',
    );
    const found = search({ LIBTORCH: root });
    assert.equal(found.cxxStd, 20);
    assert.equal(paths.standard(found), '-std=c++20');
    // A record from before the standard was recorded builds as before.
    assert.equal(paths.standard({ ...found, cxxStd: undefined }), '-std=c++17');
  });

  it('takes LIBTORCH first, and says when it holds no libtorch', () => {
    const root = path.join(tmp, 'libtorch');
    fakeLibtorch(root, 'debian');
    const found = search({ LIBTORCH: root });
    assert.equal(found.source, `LIBTORCH=${root}`);
    assert.equal(found.include, path.join(root, 'include'));
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    assert.match(search({ LIBTORCH: empty }).reason ?? '', /does not hold include\/ATen\/ATen\.h/);
  });

  it('asks a Python for its torch package, and sees CUDA in a libtorch that has libtorch_cuda', () => {
    const root = path.join(tmp, 'site-packages', 'torch');
    fakeLibtorch(root, 'cuda-wheel');
    // A Python that answers as PyTorch's wheel would: torch's folder and version.
    const python = path.join(tmp, 'python3');
    fs.writeFileSync(python, `#!/bin/sh\necho '["${root}", "2.5.1+cu121"]'\n`, { mode: 0o755 });
    const found = search({ TFJS_LIBTORCH_PYTHON: python });
    assert.match(found.source ?? '', /the torch package of .*python3 .*torch 2\.5\.1\+cu121/);
    assert.equal(found.cuda, true);
    assert.equal(found.cxx11Abi, false);
    assert.deepEqual(paths.libraries(found), ['-ltorch_cpu', '-lc10', '-ltorch_cuda', '-lc10_cuda']);
    assert.deepEqual(paths.defines(found), ['_GLIBCXX_USE_CXX11_ABI=0']);
    assert.match(paths.describe(found), /with CUDA/);
  });

  it("uses Debian's files when the Python's torch is Debian's python3-torch (links into libtorch-dev)", () => {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status !== 0) return; // python3-torch not installed: nothing to check
    const found = search({ TFJS_LIBTORCH_PYTHON: '/usr/bin/python3' });
    assert.equal(found.source, "Debian's libtorch-dev");
  });
});

describe('devices', { skip: skipReason }, () => {
  it('reports CUDA support; cpu is always accepted; a CUDA request without CUDA is a clear error', () => {
    const support = deviceSupport();
    assert.ok(support);
    assert.equal(checkDevice('cpu'), 'cpu');
    assert.throws(() => checkDevice('gpu'), /unknown device 'gpu'; use cpu, cuda or cuda:N/);
    assert.throws(() => checkDevice('cpu:1'), /unknown device/);
    if (!support.cudaBuilt) {
      assert.equal(support.gpus, 0);
      assert.throws(
        () => checkDevice('cuda'),
        new RegExp(`needs a libtorch built with CUDA; this addon was built against libtorch ${libtorchVersion()}`),
      );
      assert.throws(() => checkDevice('cuda:1'), /without CUDA/);
    }
  });

  it('a libtorch with CUDA on a machine where it sees no GPU says so, not that it lacks CUDA', (t) => {
    if (!deviceSupport()?.cudaBuilt) {
      t.skip('this libtorch has no CUDA (runs where it has: CUDA_VISIBLE_DEVICES hides the GPUs from a child)');
      return;
    }
    // PyTorch's CUDA wheels on a laptop or a CI runner: the build has CUDA, the machine no GPU.
    const child = `
      const m = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)});
      const r = m.registerLibtorchBackend();
      if (!r.ok) throw new Error(r.reason);
      const out = { support: m.deviceSupport() };
      try { m.checkDevice('cuda'); } catch (e) { out.check = e.message; }
      try { m.setDevice('cuda:0'); } catch (e) { out.set = e.message; }
      out.device = m.currentDevice();
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      encoding: 'utf8',
      env: { ...process.env, CUDA_VISIBLE_DEVICES: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    assert.deepEqual(out.support, { cudaBuilt: true, gpus: 0 });
    assert.match(out.check, /has CUDA but sees no GPU\. Check that the NVIDIA driver is loaded/);
    assert.match(out.set, /has CUDA but sees no GPU/);
    assert.equal(out.device, 'cpu');
  });
});

describe('loading the addon', { skip: skipReason }, () => {
  /** What a child sees in its environment after loadAddon(), started without UCX's and OpenMP's variables, plus `env`. */
  function envAfterLoad(env: Record<string, string>): Record<string, string | null> {
    const clean = { ...process.env };
    delete clean.UCX_MEM_MMAP_HOOK_MODE;
    delete clean.GOMP_SPINCOUNT;
    delete clean.OMP_WAIT_POLICY;
    const native = JSON.stringify(new URL('../src/native.js', import.meta.url).href);
    const child = `
      const m = await import(${native});
      const r = m.loadAddon();
      if (!('addon' in r)) throw new Error(r.reason);
      const get = (k) => process.env[k] ?? null;
      console.log(JSON.stringify({ ucx: get('UCX_MEM_MMAP_HOOK_MODE'), gomp: get('GOMP_SPINCOUNT') }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      encoding: 'utf8',
      env: { ...clean, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  }

  // That the setting keeps Debian 13's UCX from crashing the load is counted where UCX is: rehearse.sh loads.
  it('leaves UCX_MEM_MMAP_HOOK_MODE as it found it once the addon has loaded: unset, or the value the user set', () => {
    assert.equal(envAfterLoad({}).ucx, null);
    assert.equal(envAfterLoad({ UCX_MEM_MMAP_HOOK_MODE: 'reloc' }).ucx, 'reloc');
  });

  it("shortens OpenMP's spinning unless the user set a wait policy or a spin count", () => {
    assert.equal(envAfterLoad({}).gomp, '20000');
    assert.equal(envAfterLoad({ GOMP_SPINCOUNT: '5' }).gomp, '5');
    assert.equal(envAfterLoad({ OMP_WAIT_POLICY: 'passive' }).gomp, null);
  });
});
