import type { ImageSize } from '../../data/dataset-info.js';
import { checkSize } from '../../data/root.js';
import type { Flags } from '../args.js';
import { rootFlag } from './common.js';

/** Which MedMNIST data set, at which size, from where. */
export const dataFlags = {
  dataset: { kind: 'string', help: 'MedMNIST dataset flag (see medcnn info)', default: 'pneumoniamnist' },
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  ...rootFlag,
} as const;

export interface DataOptions {
  dataset: string;
  size: ImageSize;
  root?: string;
}

export function readData(f: Flags<typeof dataFlags>): DataOptions {
  return { dataset: f.dataset, size: checkSize(f.size), root: f.root };
}

/** Binary tasks: which class is the condition (sensitivity, PPV and the operating point are about it). */
export const positiveClassFlag = {
  'positive-class': {
    kind: 'string',
    help: "binary tasks: the condition's class, by name or index (default: the data set's, e.g. pneumonia; BreastMNIST: malignant)",
  },
} as const;
