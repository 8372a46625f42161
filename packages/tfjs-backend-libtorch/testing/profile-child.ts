/**
 * A child process for capture.test.ts: replays a small SimpleCNN step a few times and releases the capture, so that
 * with MEDCNN_REPLAY_PROFILE=1 the addon prints its per-op profile to stderr.
 */
import * as tf from '@tensorflow/tfjs-core';

import { capturedSimpleCnn } from './captured-step.js';

await tf.setBackend('libtorch');
const run = capturedSimpleCnn();
for (let i = 0; i < 8; i++) run.step().dispose();
console.log(run.stepper.status.kind);
run.dispose();
