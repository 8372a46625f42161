/**
 * A child process for governor.test.ts: runs matrix products on the threads given (argv[2]) until its stdin
 * closes, and prints the thread governor's state as JSON whenever it changes.
 */
import * as tf from '@tensorflow/tfjs-core';

import { registerLibtorchBackend, threadGovernor } from '../src/index.js';

const res = registerLibtorchBackend({ threads: Number(process.argv[2]) });
if (!res.ok) throw new Error(res.reason);
await tf.setBackend('libtorch');
let open = true;
process.stdin.on('end', () => {
  open = false;
});
process.stdin.resume();
const a = tf.randomNormal([192, 192]);
let last = '';
const deadline = Date.now() + 60_000;
while (open && Date.now() < deadline) {
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.matMul(a, a).dataSync());
  const state = JSON.stringify(threadGovernor());
  if (state !== last) console.log(state);
  last = state;
  // Let stdin's end be seen.
  await new Promise((resolve) => setImmediate(resolve));
}
a.dispose();
