import * as tf from '@tensorflow/tfjs-core';
import { initEngine, stepCapture } from '../src/engine/backend.js';
import { makeRng, seedEverything } from '../src/engine/seed.js';
import { applyForTraining } from '../src/models/graph.js';
import { createModel } from '../src/models/index.js';
import { crossEntropy } from '../src/train/loss.js';
import { Optimizers } from '../src/train/optimizer.js';
import { TUTORIAL_RECIPE } from '../src/train/recipe.js';
import { makeAugmentFn, planAugmentation } from '../src/augment/index.js';

export interface AugmentBenchResult {
  backend: string;
  augmentMs: number;
  trainStepMs: number;
  /** Augmentation time as a fraction of a training step. */
  ratio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times the chest-xray preset on a batch of 64 28×28×1 images against one SimpleCNN training step on the
 * same batch (on the given backend, else the current one), prints both and their ratio; the goal is under 10%.
 * The step is the trainer's (train/trainer.ts): its optimizers, its forward pass, and on libtorch its captured
 * and replayed step, which is what augmentation runs beside in training.
 */
export async function benchAugment(
  opts: { backend?: string; repeats?: number; log?: (line: string) => void } = {},
): Promise<AugmentBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  // With no backend named, measure on the one already running (npm run bench initialises each in turn).
  const backend = opts.backend ? (await initEngine({ backend: opts.backend })).backend : tf.getBackend();
  const repeats = opts.repeats ?? 20;
  seedEverything(1);
  const rng = makeRng(1);
  const x = tf.tidy(() => tf.clipByValue(tf.randomNormal([64, 28, 28, 1], 0, 0.5, 'float32', 1), -1, 1)) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 2),
    'int32',
  );
  const augment = makeAugmentFn(planAugmentation('auto', 'chest-xray')!);
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizers = new Optimizers(TUTORIAL_RECIPE, vars, 1e-3);
  const captured = stepCapture();
  // `warm` runs first, untimed: kernels compile, and a captured step warms up and records its first steps.
  const time = (fn: () => tf.Tensor, warm: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < repeats + warm; i++) {
      const t0 = performance.now();
      const r = fn();
      // Wait for the backend to finish by reading one value: reading a whole batch back to JavaScript is no part
      // of training, and took half the augmentation's time on libtorch.
      tf.tidy(() => tf.slice(tf.reshape(r, [-1]), 0, 1).dataSync());
      r.dispose();
      if (i >= warm) out.push(performance.now() - t0);
    }
    return out;
  };
  // JavaScript draws each batch's parameters: V8 optimises that code over the first few dozen batches.
  const augmentMs = median(time(() => augment(x, rng), 50));
  const plainStep = () => optimizers.step(() => crossEntropy('binary-class', applyForTraining(model, [x])[0], y));
  const trainStepMs = median(
    time(() => tf.tidy(() => (captured ? captured.step([x, y], 1, plainStep) : plainStep())), 5),
  );
  captured?.dispose();
  optimizers.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  const ratio = augmentMs / trainStepMs;
  log(
    `augment (chest-xray preset, 64×28×28×1) on ${backend}: ${augmentMs.toFixed(2)} ms/batch · SimpleCNN train step: ${trainStepMs.toFixed(2)} ms/batch · ratio ${(ratio * 100).toFixed(1)}% (goal < 10%)`,
  );
  return { backend, augmentMs, trainStepMs, ratio };
}
