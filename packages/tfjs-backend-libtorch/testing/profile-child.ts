/**
 * A child process for capture.test.ts: replays a small SimpleCNN step a few times and disposes the capture, so that
 * with MEDCNN_REPLAY_PROFILE=1 the addon prints its per-op profile to stderr.
 */
import * as tf from '@tensorflow/tfjs-core';

import { StepCapture } from '../src/index.js';
import { syntheticBatch } from './data.js';
import { setSeed } from './helpers.js';
import { simpleCnn } from './models.js';

await tf.setBackend('libtorch');
const model = simpleCnn([16, 16, 1]);
const optimizer = tf.train.adam(1e-3);
const stepper = new StepCapture();
setSeed(3);
const b = syntheticBatch(8, 16, 16, 1);
const x = tf.tensor4d(b.x, b.shape);
const y = tf.tensor2d(b.y, [8, 2]);
for (let i = 0; i < 8; i++) {
  tf.tidy(() =>
    stepper.step(
      [x, y],
      1,
      () =>
        optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        )!,
    ),
  ).dispose();
}
console.log(stepper.status.kind);
stepper.dispose();
