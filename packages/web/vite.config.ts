import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** The wasm backend loads its .wasm binaries at run time; they are shipped beside the app, never fetched elsewhere. */
function tfjsWasmBinaries(): Plugin {
  return {
    name: 'medcnn-tfjs-wasm-binaries',
    apply: 'build',
    writeBundle(options) {
      const dist = path.join(
        path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
        'dist',
      );
      const out = path.join(options.dir!, 'tfjs-wasm');
      fs.mkdirSync(out, { recursive: true });
      for (const f of fs.readdirSync(dist))
        if (f.endsWith('.wasm')) fs.copyFileSync(path.join(dist, f), path.join(out, f));
    },
  };
}

export default defineConfig({
  base: './',
  build: { outDir: 'dist/app', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  plugins: [tfjsWasmBinaries()],
});
