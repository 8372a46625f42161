/**
 * Lists the kernels that training and inference of the test models (and the image ops) call, by
 * wrapping the kernel functions of a backend (default cpu), and which of them are not native here.
 *   node dist/bench/trace-kernels.js [--backend cpu|libtorch]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import type * as tfl from '@tensorflow/tfjs-layers';

import { registerLibtorchBackend } from '../src/index.js';
import { nativeKernels } from '../src/register_all_kernels.js';
import { batchTensors, syntheticBatch } from '../testing/data.js';
import { mobileNetV2Block, residualNet, simpleCnn } from '../testing/models.js';

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'cpu';
registerLibtorchBackend();
await tf.setBackend(backend);
const seen = new Set<string>();
for (const config of tf.getKernelsForBackend(backend)) {
  const run = config.kernelFunc;
  config.kernelFunc = (args) => {
    seen.add(config.kernelName);
    return run(args);
  };
}

async function train(model: tfl.LayersModel, shape: [number, number, number], optimizer: string, loss: string) {
  model.compile({ optimizer, loss, metrics: ['accuracy'] });
  const [x, y] = batchTensors(syntheticBatch(8, ...shape));
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, validationData: [x, y] });
  tf.dispose(model.predict(x) as tf.Tensor);
  tf.dispose([x, y]);
}

await train(simpleCnn(), [28, 28, 1], 'adam', 'categoricalCrossentropy');
await train(simpleCnn(), [28, 28, 1], 'sgd', 'categoricalCrossentropy');
await train(residualNet(), [28, 28, 1], 'adam', 'categoricalCrossentropy');
await train(mobileNetV2Block(), [28, 28, 3], 'adam', 'categoricalCrossentropy');
tf.tidy(() => {
  const img = tf.randomUniform([2, 28, 28, 1]) as tf.Tensor4D;
  tf.image.resizeBilinear(img, [32, 32]);
  tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeBilinear(x as tf.Tensor4D, [14, 14])))(img);
  tf.image.flipLeftRight(img);
  tf.image.transform(img, tf.tile(tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]]), [2, 1]) as tf.Tensor2D, 'bilinear');
  tf.image.rotateWithOffset(img, 0.3);
});

const native = new Set(nativeKernels.map((k) => k.kernelName));
const used = [...seen].sort();
console.log(`kernels used (${used.length}): ${used.join(', ')}`);
console.log(`not native: ${used.filter((k) => !native.has(k)).join(', ') || 'none'}`);
