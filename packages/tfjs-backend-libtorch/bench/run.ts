/**
 * Prints training samples/s of SimpleCNN (and ResNet-18 with --resnet) on libtorch and, when available,
 * of PyTorch via torch_reference.py on the same CPU, with their ratio.
 *   node dist/bench/run.js [--threads 2] [--epochs 3] [--resnet | --model resnet18] [--samples N] [--no-torch] [--backend libtorch]
 *     [--device cpu|cuda|cuda:N] [--cudnn-benchmark] [--python PYTHON]
 * With --device, the PyTorch peer trains torch_reference.py's models on that device (bench/torch_device_reference.py,
 * run by --python, default /usr/bin/python3): a GPU against PyTorch eager on the same GPU.
 */
import { fileURLToPath } from 'node:url';

import { benchTraining, torchReference } from './simplecnn.js';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const threads = Number(flag('threads', '2'));
const epochs = Number(flag('epochs', '3'));
const backend = flag('backend', 'libtorch');
// The peer and the data: ../shared beside the repository (its layout: bench/torch_reference.py, medmnist/*.npz).
const shared = process.env.MEDCNN_SHARED ?? fileURLToPath(new URL('../../../../../shared', import.meta.url));
const only = flag('model', '');
const device = flag('device', '');
const cudnnBenchmark = argv.includes('--cudnn-benchmark');
const python = flag('python', '/usr/bin/python3');
const models: ('simplecnn' | 'resnet18')[] = only
  ? [only as 'simplecnn' | 'resnet18']
  : argv.includes('--resnet')
    ? ['simplecnn', 'resnet18']
    : ['simplecnn'];

for (const model of models) {
  // ResNet-18 is ~20x slower per sample: time it on a subset.
  const samples = Number(flag('samples', model === 'resnet18' ? '640' : '4708'));
  const ours = await benchTraining({
    backend,
    model,
    threads,
    epochs,
    samples,
    device: device || undefined,
    cudnnBenchmark,
  });
  console.log(JSON.stringify(ours));
  if (argv.includes('--no-torch')) continue;
  const ref = torchReference({
    script: `${shared}/bench/torch_reference.py`,
    npz: `${shared}/medmnist/pneumoniamnist.npz`,
    model,
    epochs,
    threads,
    limit: samples < 4708 ? samples : 0,
    ...(device ? { device, cudnnBenchmark, python } : {}),
  });
  if (!ref) {
    console.log(`torch_reference.py unavailable (needs ${python} with torch and the npz)`);
    continue;
  }
  console.log(JSON.stringify(ref));
  const ratio = ours.samples_per_second / (ref.samples_per_second as number);
  console.log(
    `${model}: ${backend} ${ours.samples_per_second.toFixed(0)} samples/s, PyTorch ${(ref.samples_per_second as number).toFixed(0)} samples/s, ratio ${ratio.toFixed(2)}x (${device ? `${device}, ` : ''}${threads} threads)`,
  );
}
