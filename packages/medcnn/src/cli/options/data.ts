import type { Modality, Task } from '../../data/dataset-info.js';
import type { VoiWindow } from '../../data/dicom.js';
import { FITS, type Fit } from '../../data/pixels.js';
import { getDatasetInfo } from '../../data/registry.js';
import { checkSize } from '../../data/root.js';
import { parseSplitFractions } from '../../data/splits.js';
import { MedcnnError } from '../../errors.js';
import type { OwnDataRequest } from '../../run/train.js';
import type { Flags } from '../args.js';
import { rootFlag } from './common.js';

const TASKS = ['binary-class', 'multi-class', 'multi-label', 'ordinal-regression'] as const;
const MODALITIES = [
  'chest-xray',
  'ct',
  'ultrasound',
  'retinal-oct',
  'fundus',
  'dermoscopy',
  'histopathology',
  'blood-smear',
] as const;

/** How your own images are read: size, fit, task, splits, bad files, DICOM window and frame. */
export const ownImageFlags = {
  size: {
    kind: 'int',
    help: 'image size: 28, 64, 128 or 224 for MedMNIST; any from 8 to 1024 with --data (default 28)',
    default: 28,
  },
  fit: {
    kind: 'string',
    help: 'with --data: bring images to --size keeping the aspect ratio with black borders (pad), by cutting the centre (crop), or not (stretch); default pad',
    choices: FITS,
  },
  task: {
    kind: 'string',
    help: 'with --data: the task, when not the inferred one (2 classes: binary-class; more: multi-class; several labels per image: multi-label)',
    choices: TASKS,
  },
  split: {
    kind: 'string',
    help: 'with --data: parts of train/val/test made where the data gives none (default 70/10/20)',
  },
  splits: { kind: 'string', help: "with --data: reuse the splits of a file (a run's splits.csv)" },
  'on-bad-file': {
    kind: 'string',
    help: 'with --data: an unreadable or damaged image stops the run listing them all (error, the default), or is left out (skip)',
    choices: ['error', 'skip'],
  },
  window: { kind: 'string', help: "with --data: DICOM window C,W (default: the file's, else the 1st–99th percentile)" },
  frame: { kind: 'int', help: 'with --data: the frame of multi-frame DICOM images (default 1, the first)', min: 1 },
} as const;

/** Which data: a MedMNIST data set at a published size, or your own images (--data) at any size. */
export const dataFlags = {
  dataset: { kind: 'string', help: 'MedMNIST dataset flag (see medcnn info)', default: 'pneumoniamnist' },
  data: {
    kind: 'string',
    help: 'your own images: a folder of class folders (optionally under train/val/test), a CSV manifest (path,label[,split][,patient]) or an npz from medcnn import',
  },
  ...ownImageFlags,
  modality: {
    kind: 'string',
    help: 'with --data: the imaging modality, which decides the safe augmentations (--augment)',
    choices: MODALITIES,
  },
  ...rootFlag,
} as const;

export interface DataOptions {
  dataset: string;
  size: number;
  root?: string;
  /** Your own images, when --data was given. */
  data?: OwnDataRequest;
  /** The modality augmentation is checked against (MedMNIST's, or --modality). */
  modality?: Modality;
}

const OWN_ONLY = ['fit', 'task', 'split', 'splits', 'on-bad-file', 'window', 'frame', 'modality'] as const;

/** Parses `--window C,W`: a DICOM window centre and width (> 0). */
export function parseWindow(text: string): VoiWindow {
  const [c, w, ...rest] = text.split(',').map((v) => Number(v.trim()));
  if (rest.length || !Number.isFinite(c) || !(w > 0))
    throw new MedcnnError(
      `--window takes a centre and a width such as 40,400 (a CT soft-tissue window); got '${text}'.`,
      `--window には中心と幅を指定してください（例: 40,400。CT の軟部条件）。指定値: '${text}'。`,
    );
  return { center: c, width: w };
}

/** Reads and checks the data flags, each once. */
export function readData(f: Flags<typeof dataFlags>): DataOptions {
  if (f.data === undefined) {
    const stray = OWN_ONLY.filter((k) => f.given.has(k));
    if (stray.length)
      throw new MedcnnError(
        `--${stray[0]} applies to your own images; add --data PATH (a folder, a CSV manifest or an npz).`,
        `--${stray[0]} は自分の画像を使うときのオプションです。--data PATH（フォルダ、CSV マニフェスト、npz）を加えてください。`,
      );
    const size = checkSize(f.size);
    return { dataset: f.dataset, size, root: f.root, modality: getDatasetInfo(f.dataset).modality };
  }
  if (f.given.has('dataset'))
    throw new MedcnnError(
      '--dataset and --data both say where the images are; give one of them.',
      '--dataset と --data はどちらも画像の場所を指定します。どちらか一方にしてください。',
    );
  return { dataset: f.dataset, size: f.size, root: f.root, modality: f.modality, data: readOwnRequest(f, f.data) };
}

/** Reads and checks how your own images at `source` are to be read. */
export function readOwnRequest(f: Flags<typeof ownImageFlags>, source: string): OwnDataRequest {
  if (!(f.size >= 8 && f.size <= 1024))
    throw new MedcnnError(
      `--size must be from 8 to 1024 with --data, got ${f.size}.`,
      `--data では --size は 8 から 1024 にしてください（指定値: ${f.size}）。`,
    );
  if (f.splits !== undefined && f.split !== undefined)
    throw new MedcnnError(
      '--split makes new splits and --splits reuses a file of them; give one of them.',
      '--split は新しく分割し、--splits は分割ファイルを再利用します。どちらか一方にしてください。',
    );
  const task =
    f.task === undefined ? undefined : ((f.task === 'multi-label' ? 'multi-label, binary-class' : f.task) as Task);
  return {
    source,
    fit: (f.fit ?? 'pad') as Fit,
    dicom: {
      ...(f.window !== undefined ? { window: parseWindow(f.window) } : {}),
      ...(f.frame !== undefined ? { frame: f.frame - 1 } : {}),
    },
    task,
    onBadFile: f['on-bad-file'] ?? 'error',
    fractions: f.split === undefined ? undefined : parseSplitFractions(f.split),
    splitsFile: f.splits,
  };
}

/** Binary tasks: which class is the condition (sensitivity, PPV and the operating point are about it). */
export const positiveClassFlag = {
  'positive-class': {
    kind: 'string',
    help: "binary tasks: the condition's class, by name or index (default: the data set's, e.g. pneumonia; BreastMNIST: malignant)",
  },
} as const;
