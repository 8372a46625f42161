// Checks (or, with --fix, applies) the clang-format style of native/ (.clang-format beside this package).
// `npm run lint` runs the check; `npm run format:native` rewrites the files.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(cc|h|inc)$/.test(e.name) ? [path.relative(root, p)] : [];
  });
}

const fix = process.argv.includes('--fix');
const files = sources(path.join(root, 'native'));
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const r = spawnSync(process.env.CLANG_FORMAT || 'clang-format', args, { cwd: root, stdio: 'inherit' });
if (r.error && r.error.code === 'ENOENT') {
  console.error(
    'clang-format is missing: install it (apt-get install clang-format) or point CLANG_FORMAT at it, then run the lint again',
  );
  process.exit(1);
}
if (r.status !== 0) {
  if (!fix) console.error('native/ is not formatted: run `npm run format:native` in packages/tfjs-backend-libtorch');
  process.exit(r.status ?? 1);
}
