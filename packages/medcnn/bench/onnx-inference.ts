/**
 * Inference speed on the PneumoniaMNIST test set (624 images): the same model in TF.js (the backend given) and,
 * exported by medcnn, in ONNX Runtime (onnxruntime-node, CPU), same threads, same batches. Prints images per
 * second, their ratio per round and the median; asserts nothing. Also prints each exported file's size.
 *
 *   node dist/bench/onnx-inference.js [--models simplecnn,resnet18] [--backend libtorch] [--threads N] [--batch 64]
 *     [--rounds 3] [--transfer]   (--transfer: also mobilenet_v2_0.35 at 96 px, from ../shared/pretrained)
 */
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor, MINUS_ONE_TO_ONE, range } from '../src/data/batch.js';
import { readSplits } from '../src/data/load.js';
import { type BackendName, initEngine } from '../src/engine/backend.js';
import { createTrainable } from '../src/models/index.js';
import { layersModelToOnnx, openOnnxSession } from '../src/models/onnx/index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('threads') ?? os.availableParallelism());
const batch = Number(flag('batch') ?? 64);
const rounds = Number(flag('rounds') ?? 3);
const models = (flag('models') ?? 'simplecnn,resnet18').split(',');
const sharedDir = path.resolve(import.meta.dirname, '../../../../../shared');
const root = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.env.MEDMNIST_ROOT ?? path.join(sharedDir, 'medmnist'),
);
const [test] = readSplits(path.join(root, 'pneumoniamnist.npz'), ['test']);

const engine = await initEngine({ backend: (flag('backend') ?? 'libtorch') as BackendName, threads });
console.log(
  `PneumoniaMNIST test set, ${test.count} images, batch ${batch}; TF.js on ${engine.backend}, ${engine.threads} thread(s); ONNX Runtime CPU, ${threads} thread(s)`,
);

const batches = Array.from({ length: Math.ceil(test.count / batch) }, (_, b) =>
  imagesToTensor(test, range(b * batch, Math.min(test.count, (b + 1) * batch)), MINUS_ONE_TO_ONE),
);
const inputs = batches.map((x) => ({ data: x.dataSync() as Float32Array, shape: x.shape }));

async function bench(name: string, model: tfl.LayersModel): Promise<void> {
  const bytes = layersModelToOnnx(model, { multiLabel: false, metadata: {} });
  const session = await openOnnxSession(bytes, { threads });
  const runTfjs = () => {
    for (const x of batches) tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor).dataSync());
  };
  const runOrt = async () => {
    for (const x of inputs) await session.run(x.data, x.shape);
  };
  runTfjs();
  await runOrt();
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    runTfjs();
    const tfjs = test.count / ((performance.now() - t) / 1000);
    t = performance.now();
    await runOrt();
    const ort = test.count / ((performance.now() - t) / 1000);
    ratios.push(ort / tfjs);
    console.log(
      `${name.padEnd(28)} round ${r + 1}: TF.js ${tfjs.toFixed(0)} img/s · ONNX Runtime ${ort.toFixed(0)} img/s · ×${(ort / tfjs).toFixed(2)}`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} ONNX file ${(bytes.byteLength / 1e6).toFixed(2)} MB · ONNX Runtime / TF.js: median ×${ratios[ratios.length >> 1].toFixed(2)} (range ${ratios[0].toFixed(2)}–${ratios.at(-1)!.toFixed(2)})`,
  );
  await session.release();
}

for (const name of models) {
  const tm = await createTrainable(
    { architecture: name },
    { inputShape: [28, 28, 1], numClasses: 2, learningRate: 0.001 },
  );
  await bench(name, tm.model);
  tm.dispose();
}
if (args.includes('--transfer')) {
  const tm = await createTrainable(
    {
      pretrained: path.join(sharedDir, 'pretrained/mobilenet_v2_0.35_imagenet_notop'),
      inputSize: 96,
      freeze: { mode: 'all' },
    },
    { inputShape: [28, 28, 1], numClasses: 2, learningRate: 0.001 },
  );
  await bench('transfer:mobilenet_v2_0.35@96', tm.model);
  tm.dispose();
}
