// Finds the libtorch to build against, in this order:
//   1. $LIBTORCH: an unpacked libtorch (a folder with include/ and lib/);
//   2. the torch package of a Python ($TFJS_LIBTORCH_PYTHON, else python3 on the PATH, else /usr/bin/python3):
//      PyTorch's own wheels carry a full libtorch (with CUDA, cuDNN and NCCL on GPU machines);
//   3. Debian's libtorch-dev.
// `node libtorch-path.cjs include|lib|libs|defines|std|describe` prints one answer (binding.gyp uses all but the last);
// required as a module it exports find(), which returns the libtorch found or {reason}.
// The install step records what it found in build/libtorch.json (after the build: node-gyp empties build/), so
// that later calls (tests, the backend's "why unavailable" message) need not start Python again.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const recordFile = path.join(__dirname, '..', 'build', 'libtorch.json');

/** A folder pair holds a libtorch when it has ATen's header and the CPU library. */
function holdsLibtorch(include, lib) {
  return fs.existsSync(path.join(include, 'ATen', 'ATen.h')) && fs.existsSync(path.join(lib, 'libtorch_cpu.so'));
}

/** The version in torch/version.h (e.g. "1.13.0"), or null. */
function headerVersion(include) {
  const file = path.join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const part = (name) => text.match(new RegExp(`#define TORCH_VERSION_${name}\\s+(\\d+)`))?.[1];
  return part('MAJOR') ? `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` : null;
}

/**
 * Whether libc10 was built with the C++11 string ABI: PyTorch's older pip wheels were not, and the addon must
 * be compiled to match (its std::string crosses into libtorch in error messages).
 */
function cxx11Abi(lib) {
  const file = path.join(lib, 'libc10.so');
  if (!fs.existsSync(file)) return true;
  return fs.readFileSync(file).includes('_ZNSt7__cxx1112basic_string');
}

/**
 * The C++ standard a libtorch's headers ask for: the newest named in their "C++NN or later compatible compiler
 * is required" checks (1.13 and 2.x name C++17; a later one may name C++20), else 17.
 */
function cxxStandard(include) {
  let std = 17;
  const headers = [path.join('torch', 'csrc', 'api', 'include', 'torch', 'all.h'), path.join('ATen', 'ATen.h')];
  for (const rel of headers) {
    const file = path.join(include, rel);
    if (!fs.existsSync(file)) continue;
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/C\+\+(\d\d) or later compatible compiler is required/g))
      std = Math.max(std, Number(m[1]));
  }
  return std;
}

/** What a libtorch in (include, lib) is: version, CUDA or not, ABI, the C++ standard its headers need. */
function describeAt(include, lib, source) {
  return {
    include,
    lib,
    source,
    version: headerVersion(include) ?? 'unknown',
    cuda: fs.existsSync(path.join(lib, 'libtorch_cuda.so')),
    cxx11Abi: cxx11Abi(lib),
    cxxStd: cxxStandard(include),
  };
}

/** The torch package a Python imports: its folder and version, or null. */
function askPython() {
  const pythons = process.env.TFJS_LIBTORCH_PYTHON
    ? [process.env.TFJS_LIBTORCH_PYTHON]
    : ['python3', '/usr/bin/python3'];
  for (const python of pythons) {
    const r = spawnSync(
      python,
      ['-c', 'import json, os, torch; print(json.dumps([os.path.dirname(torch.__file__), torch.__version__]))'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) continue;
    try {
      const [root, version] = JSON.parse(r.stdout.trim().split('\n').at(-1));
      return { python, root, version };
    } catch {}
  }
  return null;
}

const debianPlaces = [
  { include: '/usr/include', lib: '/usr/lib/x86_64-linux-gnu' },
  { include: '/usr/include', lib: '/usr/lib/aarch64-linux-gnu' },
  { include: '/usr/local/include', lib: '/usr/local/lib' },
];

/** Searches the three places, in order; `python: false` skips asking Python. */
function search({ python = true } = {}) {
  if (process.env.LIBTORCH) {
    const root = process.env.LIBTORCH;
    const include = path.join(root, 'include');
    const lib = path.join(root, 'lib');
    if (holdsLibtorch(include, lib)) return describeAt(include, lib, `LIBTORCH=${root}`);
    return { reason: `LIBTORCH=${root} does not hold include/ATen/ATen.h and lib/libtorch_cpu.so` };
  }
  const debian = debianPlaces.find((p) => holdsLibtorch(p.include, p.lib));
  const asked = python ? askPython() : null;
  if (asked) {
    const include = path.join(asked.root, 'include');
    const lib = path.join(asked.root, 'lib');
    const sameAsDebian =
      debian &&
      fs.realpathSync(path.join(lib, 'libtorch_cpu.so')) === fs.realpathSync(path.join(debian.lib, 'libtorch_cpu.so'));
    // Debian's python3-torch links into libtorch-dev's files: build against those, and say so.
    if (holdsLibtorch(include, lib) && !sameAsDebian)
      return describeAt(include, lib, `the torch package of ${asked.python} (${asked.root}, torch ${asked.version})`);
  }
  if (debian) return describeAt(debian.include, debian.lib, "Debian's libtorch-dev");
  const where = debianPlaces.map((c) => `${c.include}/ATen/ATen.h + ${c.lib}/libtorch_cpu.so`).join(', ');
  return {
    reason: `no libtorch found (no LIBTORCH, no Python with torch, nothing at ${where}); apt-get install libtorch-dev, pip install torch, or set LIBTORCH`,
  };
}

/** The libtorch found: the install step's record while its files still exist (unless LIBTORCH is set), else a search. */
function find(options) {
  // The install step hands node-gyp what it found, so that binding.gyp's calls do not search again.
  if (process.env.TFJS_LIBTORCH_FOUND) return JSON.parse(process.env.TFJS_LIBTORCH_FOUND);
  if (!process.env.LIBTORCH && fs.existsSync(recordFile)) {
    try {
      const recorded = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
      if (holdsLibtorch(recorded.include, recorded.lib)) return recorded;
    } catch {}
  }
  return search(options);
}

/** Records what the install step built against (read back by find()). */
function record(found) {
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, `${JSON.stringify(found, null, 2)}\n`);
}

/** One line for people: where, which version, CUDA or not. */
function describe(found) {
  return `libtorch ${found.version} from ${found.source} (${found.lib}; ${found.cuda ? 'with CUDA' : 'CPU only'})`;
}

/**
 * The linker's libraries: the CPU ones, plus CUDA's when this libtorch has them (linked with --no-as-needed,
 * so that loading the addon loads them and registers ATen's CUDA hooks: then devices() sees the GPUs).
 */
function libraries(found) {
  return ['-ltorch_cpu', '-lc10', ...(found.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : [])];
}

/**
 * The compiler's defines that depend on the libtorch: its C++ string ABI; TL_NO_GLOO when the build is asked to
 * leave the Gloo collectives out (TFJS_LIBTORCH_NO_GLOO=1, e.g. against a PyTorch whose c10d API differs).
 */
function defines(found) {
  return [
    `_GLIBCXX_USE_CXX11_ABI=${found.cxx11Abi ? 1 : 0}`,
    ...(process.env.TFJS_LIBTORCH_NO_GLOO ? ['TL_NO_GLOO'] : []),
  ];
}

/** The compiler's -std flag: the standard the headers need (records from before it was recorded: 17). */
function standard(found) {
  return `-std=c++${found.cxxStd ?? 17}`;
}

module.exports = { find, search, record, describe, libraries, defines, standard, cxxStandard };

if (require.main === module) {
  const found = find();
  if (found.reason) {
    console.error(found.reason);
    process.exit(1);
  }
  const what = process.argv[2];
  if (what === 'lib') console.log(found.lib);
  else if (what === 'libs') console.log(libraries(found).join(' '));
  else if (what === 'defines') console.log(defines(found).join(' '));
  else if (what === 'std') console.log(standard(found));
  else if (what === 'describe') console.log(describe(found));
  else console.log(found.include);
}
