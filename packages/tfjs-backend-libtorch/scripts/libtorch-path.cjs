// Finds libtorch: $LIBTORCH (an unpacked libtorch), else Debian's libtorch-dev.
// `node libtorch-path.cjs include|lib` prints that directory (binding.gyp uses it);
// required as a module it exports find(), which returns {include, lib} or {reason}.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function find() {
  const candidates = [];
  if (process.env.LIBTORCH) {
    const root = process.env.LIBTORCH;
    candidates.push({ include: path.join(root, 'include'), lib: path.join(root, 'lib') });
  } else {
    candidates.push({ include: '/usr/include', lib: '/usr/lib/x86_64-linux-gnu' });
    candidates.push({ include: '/usr/include', lib: '/usr/lib/aarch64-linux-gnu' });
    candidates.push({ include: '/usr/local/include', lib: '/usr/local/lib' });
  }
  for (const c of candidates) {
    const header = path.join(c.include, 'ATen', 'ATen.h');
    const lib = path.join(c.lib, 'libtorch_cpu.so');
    if (fs.existsSync(header) && fs.existsSync(lib)) return c;
  }
  const where = candidates.map((c) => `${c.include}/ATen/ATen.h + ${c.lib}/libtorch_cpu.so`).join(', ');
  return {
    reason: process.env.LIBTORCH
      ? `LIBTORCH=${process.env.LIBTORCH} does not hold include/ATen/ATen.h and lib/libtorch_cpu.so`
      : `no libtorch found (looked for ${where}); apt-get install libtorch-dev or set LIBTORCH`,
  };
}

module.exports = { find };

if (require.main === module) {
  const found = find();
  if (found.reason) {
    console.error(found.reason);
    process.exit(1);
  }
  console.log(process.argv[2] === 'lib' ? found.lib : found.include);
}
