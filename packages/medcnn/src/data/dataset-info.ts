import { MedcnnError } from '../errors.js';
import type { Localized } from '../i18n/messages.js';

/** The task types MedMNIST defines; they decide the loss and how ACC/AUC are computed. */
export type Task = 'binary-class' | 'multi-class' | 'multi-label, binary-class' | 'ordinal-regression';

/** One sample's label in words: its class, or every positive label of a multi-label task. */
export function describeLabel(
  task: Task,
  labels: { en: string; ja: string }[],
  row: ArrayLike<number>,
  lang: 'en' | 'ja',
): string {
  if (!isMultiLabel(task)) return labels[row[0]][lang];
  const on = labels.filter((_, k) => row[k] === 1).map((l) => l[lang]);
  return on.length ? on.join(', ') : lang === 'ja' ? '所見なし' : 'no finding';
}

/** Whether a task has one 0/1 output per label (sigmoid) rather than one class per sample (softmax). */
export function isMultiLabel(task: Task): boolean {
  return task === 'multi-label, binary-class';
}

/** The imaging modality: it decides which augmentations keep the diagnosis intact. */
export type Modality =
  | 'chest-xray'
  | 'ct'
  | 'ultrasound'
  | 'retinal-oct'
  | 'fundus'
  | 'dermoscopy'
  | 'histopathology'
  | 'blood-smear';

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];
export const SIZES = [28, 64, 128, 224] as const;
export type ImageSize = (typeof SIZES)[number];

/** One downloadable file of a dataset at one image size. */
export interface DatasetFile {
  fileName: string;
  url: string;
  md5: string;
}

/** The facts about one MedMNIST dataset, as the medmnist package's INFO holds them. */
export interface DatasetInfo {
  flag: string;
  pythonClass: string;
  modality: Modality;
  task: Task;
  channels: 1 | 3;
  samples: Record<Split, number>;
  license: string;
  labels: { en: string; ja: string }[];
  files: Record<ImageSize, DatasetFile>;
  /** MedMNIST's description of the data set, and its Japanese translation. */
  description: Localized;
  /**
   * Binary tasks: the label of the condition, the class that sensitivity, PPV and the operating point are
   * about (PneumoniaMNIST: 1, pneumonia; BreastMNIST: 0, malignant).
   */
  positiveClass?: number;
}

/** The class a binary task's clinical metrics treat as positive: `requested` (a name or index), else the registry's. */
export function resolvePositiveClass(
  info: Pick<DatasetInfo, 'flag' | 'task' | 'labels' | 'positiveClass'>,
  requested?: string,
): number | undefined {
  if (info.task !== 'binary-class') {
    if (requested !== undefined)
      throw new MedcnnError(
        `--positive-class applies to binary tasks; ${info.flag} is ${info.task}.`,
        `--positive-class は二値分類のタスクにだけ使えます。${info.flag} は ${info.task} です。`,
      );
    return undefined;
  }
  if (requested === undefined) return info.positiveClass ?? 1;
  const wanted = requested.trim().toLowerCase();
  const k = info.labels.findIndex(
    (l, i) => String(i) === wanted || l.en.toLowerCase() === wanted || l.ja === requested.trim(),
  );
  if (k < 0)
    throw new MedcnnError(
      `--positive-class '${requested}' is not a class of ${info.flag}: ${info.labels.map((l, i) => `${i} (${l.en})`).join(', ')}.`,
      `--positive-class '${requested}' は ${info.flag} のクラスではありません: ${info.labels.map((l, i) => `${i}（${l.ja}）`).join('、')}。`,
    );
  return k;
}
