import type { Normalization } from '../data/batch.js';
import { SIZES, type Task } from '../data/dataset-info.js';
import type { DicomOptions } from '../data/dicom.js';
import type { Fit } from '../data/pixels.js';
import { MedcnnError } from '../errors.js';
import type { Lang } from '../i18n/messages.js';
import type { TransferRecord } from '../models/index.js';
import type { TrainingRecipe } from '../train/recipe.js';

/** The version of the run-folder layout this medcnn writes and reads; config.json records it. */
export const RUN_FORMAT = 1;

/** Everything needed to reproduce and to reuse a run; saved as config.json in the run folder. */
export interface RunConfig {
  /** The run-folder layout version (absent in runs written before it was recorded: read as 1). */
  format: number;
  medcnnVersion: string;
  /** The MedMNIST flag, or for your own data (`source`) its folder's or file's name. */
  dataset: string;
  /** Image side: one MedMNIST publishes, or any for your own data. */
  size: number;
  /** The data folder the run was trained from, so that evaluate and serve find its images again. */
  dataRoot?: string;
  /** Your own images (`--data`): where they are and how they were read; the splits are in splits.csv. */
  source?: DataSourceRecord;
  task: Task;
  labels: { en: string; ja: string }[];
  /** Temperature dividing the logits, fitted on validation (--calibrate temperature); absent: 1. */
  temperature?: number;
  /** The threshold rule and the threshold(s) it chose on validation; absent: the most probable class. */
  operatingPoint?: { rule: string; threshold: number | number[] };
  /** Binary tasks: the label of the condition (sensitivity, PPV and the operating point are about it); 1 if absent. */
  positiveClass?: number;
  model: string;
  inputShape: [number, number, number];
  numClasses: number;
  normalization: Normalization;
  epochs: number;
  /** Epochs actually trained (fewer than `epochs` when training was interrupted). */
  epochsCompleted?: number;
  /** Set when training was stopped (Ctrl-C, SIGTERM) before `epochs`. */
  interrupted?: boolean;
  /** libtorch: 'captured' when training steps were replayed natively, else 'not captured: <why>'. */
  stepCapture?: string;
  /**
   * libtorch: the epoch in which other busy processes first made the backend go down to one thread (results then
   * differ in their last digits from a run on `threads`); absent when it kept `threads` throughout.
   */
  sharedCpuFromEpoch?: number;
  batchSize: number;
  learningRate: number;
  optimizer: string;
  /** Optimizer, schedule, selection and imbalance handling (absent in runs from before it was recorded). */
  recipe?: TrainingRecipe;
  seed: number;
  augment: string;
  selection: string;
  backend: string;
  threads: number;
  /** Where the kernels ran (absent in runs from before the device flag: cpu). */
  device?: string;
  /** cuDNN's benchmark mode (--cudnn-benchmark; read on a GPU only; absent in runs from before the flag: off). */
  cudnnBenchmark?: boolean;
  /** Data-parallel runs: the number of ranks (processes) that trained it; batchSize is their total. */
  worldSize?: number;
  versions: Record<string, string>;
  lang: Lang;
  startedAt: string;
  command: string;
  /** Transfer runs: the backbone, its preprocessing, how images are adapted to it and what was frozen. */
  transfer?: TransferRecord;
  /** The part of the training set used (medcnn compare --train-fraction), when not all of it. */
  trainFraction?: number;
}

/** Where a run's own images came from and how each was preprocessed, so evaluate, serve and predict do the same. */
export interface DataSourceRecord {
  kind: 'folder' | 'csv' | 'npz';
  /** Absolute path of the folder, CSV or npz. */
  path: string;
  fit: Fit;
  dicom: DicomOptions;
  /** data: the folders or CSV gave the splits; made: made by medcnn (seeded, grouped by patient); file: --splits. */
  splitOrigin: 'data' | 'made' | 'file';
  /** The parts of train, val and test asked for, when medcnn made (some of) the splits. */
  fractions?: { train: number; val: number; test: number };
  onBadFile: 'error' | 'skip';
  /** Files left out (--on-bad-file skip), with why. */
  skipped: string[];
}

const TASKS: Task[] = ['binary-class', 'multi-class', 'multi-label, binary-class', 'ordinal-regression'];

/** Checks a parsed config.json, so a damaged one is a clear error here and not a TypeError later. */
export function validateRunConfig(value: unknown, file: string): RunConfig {
  const damaged = (what: string, whatJa: string): MedcnnError =>
    new MedcnnError(
      `${file} is damaged: ${what}. Train the run again, or restore config.json from a copy.`,
      `${file} は壊れています: ${whatJa}。学習をやり直すか、config.json をコピーから復元してください。`,
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw damaged('it is not a JSON object', 'JSON オブジェクトではありません');
  const c = value as Record<string, unknown>;
  const format = c.format ?? 1;
  if (format !== RUN_FORMAT) {
    if (typeof format === 'number' && format > RUN_FORMAT)
      throw new MedcnnError(
        `${file} is run-folder format ${format}, written by a newer medcnn; this one reads format ${RUN_FORMAT}. Update medcnn.`,
        `${file} は新しい medcnn が書いた実行フォルダ形式 ${format} です。この medcnn が読めるのは形式 ${RUN_FORMAT} です。medcnn を更新してください。`,
      );
    throw damaged(
      `unknown run-folder format ${JSON.stringify(format)}`,
      `実行フォルダの形式 ${JSON.stringify(format)} は不明です`,
    );
  }
  const shape = c.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0 && n <= 4096))
    throw damaged(
      `inputShape must be [height, width, channels] of whole numbers, got ${JSON.stringify(shape)}`,
      `inputShape は整数の [高さ, 幅, チャネル] でなければなりませんが、${JSON.stringify(shape)} です`,
    );
  if (shape[2] !== 1 && shape[2] !== 3)
    throw damaged(
      `inputShape must have 1 or 3 channels, got ${shape[2]}`,
      `inputShape のチャネル数は 1 か 3 でなければなりませんが、${shape[2]} です`,
    );
  if (!TASKS.includes(c.task as Task))
    throw damaged(`unknown task ${JSON.stringify(c.task)}`, `タスク ${JSON.stringify(c.task)} は不明です`);
  const labels = c.labels;
  if (
    !Array.isArray(labels) ||
    labels.length < 2 ||
    !labels.every((l) => typeof l?.en === 'string' && typeof l?.ja === 'string')
  )
    throw damaged(
      'labels must be a list of at least two {en, ja} names',
      'labels は {en, ja} の名前 2 つ以上のリストでなければなりません',
    );
  const norm = c.normalization as Normalization | undefined;
  if (!norm || !Number.isFinite(norm.mean) || !(norm.std > 0))
    throw damaged('normalization needs a mean and a std > 0', 'normalization には mean と 0 より大きい std が必要です');
  if (typeof c.dataset !== 'string' || typeof c.model !== 'string')
    throw damaged('dataset and model must be names', 'dataset と model は名前でなければなりません');
  const ownSize =
    c.source !== undefined && Number.isInteger(c.size) && (c.size as number) >= 8 && (c.size as number) <= 1024;
  if (!ownSize && !(SIZES as readonly unknown[]).includes(c.size))
    throw damaged(
      `size must be one of ${SIZES.join(', ')}, got ${JSON.stringify(c.size)}`,
      `size は ${SIZES.join(', ')} のいずれかでなければなりません（値: ${JSON.stringify(c.size)}）`,
    );
  const src = c.source as DataSourceRecord | undefined;
  if (src !== undefined && (typeof src?.path !== 'string' || !['folder', 'csv', 'npz'].includes(src.kind)))
    throw damaged(
      'source must name the kind (folder, csv, npz) and the path of the data',
      'source にはデータの種類（folder, csv, npz）とパスが必要です',
    );
  return { ...(c as unknown as RunConfig), format: RUN_FORMAT };
}
