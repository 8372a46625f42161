// npm `install` script: builds the native addon when libjpeg-turbo's headers are installed (Debian:
// libjpeg62-turbo-dev). The addon is optional, so this never fails the install: it says why it skipped or failed
// and exits 0 (medcnn then decodes JPEGs with sharp, as before).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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

/** Whether a C compiler finds jpeglib.h (asked of the compiler itself, so any include path it knows counts). */
function haveLibjpegHeaders() {
  const r = spawnSync(process.env.CC || 'cc', ['-E', '-x', 'c', '-'], {
    input: '#include <stdio.h>\n#include <jpeglib.h>\n',
    encoding: 'utf8',
  });
  return r.status === 0;
}

function main() {
  const pkg = path.join(__dirname, '..');
  if (process.env.JPEG_NATIVE_SKIP_BUILD) {
    console.log('jpeg-native: JPEG_NATIVE_SKIP_BUILD set, not building the native addon');
    return;
  }
  if (!haveLibjpegHeaders()) {
    console.log(
      'jpeg-native: native addon not built: jpeglib.h not found (apt-get install libjpeg62-turbo-dev); medcnn will decode JPEGs with sharp',
    );
    return;
  }
  const gyp = nodeGyp();
  if (!gyp) {
    console.log('jpeg-native: native addon not built: node-gyp not found (it ships with npm)');
    return;
  }
  const args = [gyp, 'rebuild', `--jobs=${Math.max(1, os.availableParallelism?.() ?? 2)}`];
  // Use the headers of the running node when they are installed, rather than downloading them.
  const prefix = path.join(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: pkg, stdio: 'inherit' });
  if (r.status !== 0)
    console.log(`jpeg-native: native build failed (exit ${r.status ?? r.signal}); medcnn will decode JPEGs with sharp`);
}

try {
  main();
} catch (e) {
  console.log(`jpeg-native: native addon not built: ${e?.message}`);
}
process.exit(0);
