/** The task types MedMNIST defines; they decide the loss and how ACC/AUC are computed. */
export type Task = 'binary-class' | 'multi-class' | 'multi-label, binary-class' | 'ordinal-regression';

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
  description: string;
}
