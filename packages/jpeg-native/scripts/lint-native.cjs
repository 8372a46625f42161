// Checks (or, with --fix, applies) the clang-format style of native/ (.clang-format beside this package).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const files = fs
  .readdirSync(path.join(root, 'native'))
  .filter((f) => /\.(cc|h)$/.test(f))
  .map((f) => path.join('native', f));
const fix = process.argv.includes('--fix');
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const r = spawnSync(process.env.CLANG_FORMAT || 'clang-format', args, { cwd: root, stdio: 'inherit' });
if (r.error && r.error.code === 'ENOENT') {
  console.error(
    'clang-format is missing: install it (apt-get install clang-format) or point CLANG_FORMAT at it, then run the lint again',
  );
  process.exit(1);
}
if (r.status !== 0) {
  if (!fix) console.error('native/ is not formatted: run `npm run format:native` in packages/jpeg-native');
  process.exit(r.status ?? 1);
}
