import fs from 'node:fs';
import type { Split } from '../data/dataset-info.js';
import { type SplitData, loadDataset } from '../data/load.js';
import { getDatasetInfo } from '../data/registry.js';
import { datasetPath, resolveDataRoot } from '../data/root.js';
import type { RunConfig } from '../runfolder/index.js';

/**
 * The data root a run's images are read from: --root, else MEDMNIST_ROOT, else the root the run was trained
 * from (when its file is still there), else ~/.medmnist.
 */
export function runDataRoot(config: RunConfig, root?: string): string {
  if (root || process.env.MEDMNIST_ROOT) return resolveDataRoot(root);
  const info = getDatasetInfo(config.dataset);
  if (config.dataRoot && fs.existsSync(datasetPath(info, config.size, config.dataRoot))) return config.dataRoot;
  return resolveDataRoot();
}

/** Loads splits of the data set a run was trained on. */
export function loadRunData(config: RunConfig, splits: Split[], root?: string): SplitData[] {
  return loadDataset(getDatasetInfo(config.dataset), config.size, runDataRoot(config, root), splits);
}
