/** One SimpleCNN training step on a fixed batch through a StepCapture: what the leak and profile checks repeat. */
import * as tf from '@tensorflow/tfjs-core';

import { StepCapture } from '../src/index.js';
import { syntheticBatch } from './data.js';
import { setSeed } from './helpers.js';
import { simpleCnn } from './models.js';

export interface CapturedSimpleCnn {
  stepper: StepCapture;
  /** One step (plain, recorded or replayed, as the capture stands); returns the loss. */
  step(): tf.Tensor;
  dispose(): void;
}

/** SimpleCNN on 16×16×1, Adam, a batch of 8 (the backend must be libtorch already). */
export function capturedSimpleCnn(): CapturedSimpleCnn {
  const model = simpleCnn([16, 16, 1]);
  const optimizer = tf.train.adam(1e-3);
  const stepper = new StepCapture();
  setSeed(3);
  const b = syntheticBatch(8, 16, 16, 1);
  const x = tf.tensor4d(b.x, b.shape);
  const y = tf.tensor2d(b.y, [8, 2]);
  const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  return {
    stepper,
    step: () => tf.tidy(() => stepper.step([x, y], 1, () => optimizer.minimize(loss, true)!)),
    dispose: () => {
      stepper.dispose();
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
