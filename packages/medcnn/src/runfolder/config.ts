import type { Normalization } from '../data/batch.js';
import { type ImageSize, SIZES, type Task } from '../data/dataset-info.js';
import { MedcnnError } from '../errors.js';
import type { Lang } from '../i18n/messages.js';
import type { TransferRecord } from '../models/index.js';

/** The version of the run-folder layout this medcnn writes and reads; config.json records it. */
export const RUN_FORMAT = 1;

/** Everything needed to reproduce and to reuse a run; saved as config.json in the run folder. */
export interface RunConfig {
  /** The run-folder layout version (absent in runs written before it was recorded: read as 1). */
  format: number;
  medcnnVersion: string;
  dataset: string;
  size: ImageSize;
  /** The data folder the run was trained from, so that evaluate and serve find its images again. */
  dataRoot?: string;
  task: Task;
  labels: { en: string; ja: string }[];
  model: string;
  inputShape: [number, number, number];
  numClasses: number;
  normalization: Normalization;
  epochs: number;
  /** Epochs actually trained (fewer than `epochs` when training was interrupted). */
  epochsCompleted?: number;
  /** Set when training was stopped (Ctrl-C, SIGTERM) before `epochs`. */
  interrupted?: boolean;
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

const TASKS: Task[] = ['binary-class', 'multi-class', 'multi-label, binary-class', 'ordinal-regression'];

/** Checks a parsed config.json, so a damaged one is a clear error here and not a TypeError later. */
export function validateRunConfig(value: unknown, file: string): RunConfig {
  const damaged = (what: string): MedcnnError =>
    new MedcnnError(`${file} is damaged: ${what}. Train the run again, or restore config.json from a copy.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw damaged('it is not a JSON object');
  const c = value as Record<string, unknown>;
  const format = c.format ?? 1;
  if (format !== RUN_FORMAT) {
    if (typeof format === 'number' && format > RUN_FORMAT)
      throw new MedcnnError(
        `${file} is run-folder format ${format}, written by a newer medcnn; this one reads format ${RUN_FORMAT}. Update medcnn.`,
      );
    throw damaged(`unknown run-folder format ${JSON.stringify(format)}`);
  }
  const shape = c.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0 && n <= 4096))
    throw damaged(`inputShape must be [height, width, channels] of whole numbers, got ${JSON.stringify(shape)}`);
  if (shape[2] !== 1 && shape[2] !== 3) throw damaged(`inputShape must have 1 or 3 channels, got ${shape[2]}`);
  if (!TASKS.includes(c.task as Task)) throw damaged(`unknown task ${JSON.stringify(c.task)}`);
  const labels = c.labels;
  if (
    !Array.isArray(labels) ||
    labels.length < 2 ||
    !labels.every((l) => typeof l?.en === 'string' && typeof l?.ja === 'string')
  )
    throw damaged('labels must be a list of at least two {en, ja} names');
  const norm = c.normalization as Normalization | undefined;
  if (!norm || !Number.isFinite(norm.mean) || !(norm.std > 0))
    throw damaged('normalization needs a mean and a std > 0');
  if (typeof c.dataset !== 'string' || typeof c.model !== 'string') throw damaged('dataset and model must be names');
  if (!(SIZES as readonly unknown[]).includes(c.size))
    throw damaged(`size must be one of ${SIZES.join(', ')}, got ${JSON.stringify(c.size)}`);
  return { ...(c as unknown as RunConfig), format: RUN_FORMAT };
}
