import fs from 'node:fs';
import { checkSize } from '../data/root.js';
import type { Split } from '../data/dataset-info.js';
import type { ImagePreprocessing } from '../data/image-file.js';
import { type SplitData, loadDataset } from '../data/load.js';
import { loadOwnData } from '../data/own.js';
import { getDatasetInfo } from '../data/registry.js';
import { datasetPath, resolveDataRoot } from '../data/root.js';
import { RUN_FILES, type RunConfig, type RunFolder } from '../runfolder/index.js';

/**
 * The data root a run's images are read from: --root, else the root the run was trained from (when its file is
 * still there: the run is evaluated on the images it was tested on), else MEDMNIST_ROOT, else ~/.medmnist.
 */
export function runDataRoot(config: RunConfig, root?: string): string {
  if (root) return resolveDataRoot(root);
  const info = getDatasetInfo(config.dataset);
  if (config.dataRoot && fs.existsSync(datasetPath(info, checkSize(config.size), config.dataRoot)))
    return config.dataRoot;
  return resolveDataRoot();
}

/**
 * Loads splits of the data a run was trained on: its MedMNIST data set, or its own images read again exactly as
 * in training (same preprocessing, the splits of its splits.csv; decoded images come from the cache).
 */
export async function loadRunData(run: RunFolder, splits: Split[], root?: string): Promise<SplitData[]> {
  const { config } = run;
  const src = config.source;
  if (!src)
    return loadDataset(getDatasetInfo(config.dataset), checkSize(config.size), runDataRoot(config, root), splits);
  const own = await loadOwnData({
    source: src.path,
    prep: { size: config.size, fit: src.fit, dicom: src.dicom },
    task: config.task,
    onBadFile: src.onBadFile,
    seed: config.seed,
    splits: src.kind === 'npz' ? undefined : run.readSplits(),
    splitsFrom: `${run.dir}/${RUN_FILES.splits}`,
    progress: false,
    log: () => {},
  });
  return splits.map((s) => own[s]);
}

/** How a run brings an image file to its model: the fit and DICOM settings it was trained with (MedMNIST: stretch). */
export function imagePreprocessing(config: RunConfig): ImagePreprocessing {
  return { fit: config.source?.fit ?? 'stretch', dicom: config.source?.dicom ?? {} };
}
