// npm `install` script: builds the native addon when libtorch is present.
// The addon is optional, so this never fails the install: it says why it
// skipped or failed and exits 0 (the backend then reports itself unavailable).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { search, record, describe } = require('./libtorch-path.cjs');

function nodeGyp() {
  // npm tells lifecycle scripts where its bundled node-gyp is.
  if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp))
    return process.env.npm_config_node_gyp;
  const bundled = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  return fs.existsSync(bundled) ? bundled : null;
}

function main() {
  const pkg = path.join(__dirname, '..');
  if (process.env.TFJS_LIBTORCH_SKIP_BUILD) {
    console.log('tfjs-backend-libtorch: TFJS_LIBTORCH_SKIP_BUILD set, not building the native addon');
    return;
  }
  const found = search();
  if (found.reason) {
    console.log(`tfjs-backend-libtorch: native addon not built: ${found.reason}`);
    return;
  }
  const gyp = nodeGyp();
  if (!gyp) {
    console.log('tfjs-backend-libtorch: native addon not built: node-gyp not found (it ships with npm)');
    return;
  }
  const args = [gyp, 'rebuild', `--jobs=${Math.max(1, require('node:os').availableParallelism?.() ?? 2)}`];
  // Use the headers of the running node when they are installed, rather than downloading them.
  const prefix = path.join(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  console.log(`tfjs-backend-libtorch: building against ${describe(found)}`);
  const env = { ...process.env, TFJS_LIBTORCH_FOUND: JSON.stringify(found) };
  const r = spawnSync(process.execPath, args, { cwd: pkg, stdio: 'inherit', env });
  if (r.status === 0) record(found);
  else {
    console.log(
      `tfjs-backend-libtorch: native build failed (exit ${r.status ?? r.signal}); the backend will be unavailable`,
    );
  }
}

try {
  main();
} catch (e) {
  console.log(`tfjs-backend-libtorch: native addon not built: ${e?.message}`);
}
process.exit(0);
