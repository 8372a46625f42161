import { MedcnnError } from '../errors.js';
import type { DatasetInfo } from './dataset-info.js';
import { ALL_DATASETS } from './datasets/index.js';

const registry = new Map<string, DatasetInfo>(ALL_DATASETS.map((d) => [d.flag, d]));

/** All known MedMNIST 2D datasets, in the medmnist package's order. */
export function listDatasets(): DatasetInfo[] {
  return [...registry.values()];
}

/** Looks a dataset up by its flag (case-insensitive), or throws a MedcnnError listing the known ones. */
export function getDatasetInfo(flag: string): DatasetInfo {
  const info = registry.get(flag.toLowerCase());
  if (!info) {
    throw new MedcnnError(
      `Unknown dataset '${flag}'. Known datasets: ${[...registry.keys()].join(', ')} (see 'medcnn info').`,
      `データセット '${flag}' はありません。使えるデータセット: ${[...registry.keys()].join(', ')}（'medcnn info' を参照）。`,
    );
  }
  return info;
}
