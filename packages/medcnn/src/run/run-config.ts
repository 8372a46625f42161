import fs from 'node:fs';
import path from 'node:path';
import type { ImageSize, Task } from '../data/dataset-info.js';
import type { Normalization } from '../data/batch.js';
import { MedcnnError } from '../errors.js';
import type { Lang } from '../i18n/messages.js';
import type { TransferRecord } from '../transfer/setup.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Everything needed to reproduce and to reuse a run; saved as config.json in the run folder. */
export interface RunConfig {
  medcnnVersion: string;
  dataset: string;
  size: ImageSize;
  task: Task;
  labels: { en: string; ja: string }[];
  model: string;
  inputShape: [number, number, number];
  numClasses: number;
  normalization: Normalization;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: string;
  seed: number;
  augment: string;
  selection: string;
  backend: string;
  threads: number;
  versions: Record<string, string>;
  lang: Lang;
  startedAt: string;
  command: string;
  /** Transfer runs: the backbone, its preprocessing, how images are adapted to it and what was frozen. */
  transfer?: TransferRecord;
  /** The part of the training set used (medcnn compare --train-fraction), when not all of it. */
  trainFraction?: number;
}

/** Makes the run folder, or says plainly why it cannot be written (before any work is done). */
export function prepareRunDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    throw new MedcnnError(
      `Cannot write the run folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Choose a writable folder with --out.`,
    );
  }
}

export function writeRunConfig(dir: string, config: RunConfig): void {
  writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads a run folder's config.json, with a clear error when it is not a run folder. */
export function readRunConfig(dir: string): RunConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file))
    throw new MedcnnError(
      `${dir} is not a medcnn run folder (no config.json). Pass the folder that 'medcnn train' wrote.`,
    );
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunConfig;
  } catch (e) {
    throw new MedcnnError(`${file} is damaged: ${(e as Error).message}`);
  }
}

/** A default run folder name: runs/<dataset>-<model>-<yyyymmdd-hhmmss>. */
export function defaultRunDir(dataset: string, model: string): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join('runs', `${dataset}-${model}-${stamp}`);
}
