import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * Starts TF.js in the page: WebGL where the browser has it, else wasm (its binaries are served beside the
 * app), else the plain JavaScript backend. `?backend=NAME` asks for one.
 */
export async function startEngine(wanted: string | null): Promise<string> {
  setWasmPaths(new URL('./tfjs-wasm/', document.baseURI).href);
  // The threaded wasm build (chosen when the page is cross-origin isolated, as `medcnn serve` makes it) starts
  // its workers from its own source text, which the bundler's minification breaks: the engine never became
  // ready. One image at a time gains little from threads, so the page asks for the single-threaded build.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const order = wanted ? [wanted] : ['webgl', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        // A backend that registers but cannot compute (e.g. WebGL without float textures) fails here.
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
        return name;
      }
      failures.push(`${name}: unavailable`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(failures.join('; '));
}
