/** medcnn's library API: data, models, training, metrics, run folders and pipelines, usable without the CLI. */
export { MedcnnError } from './errors.js';
export * from './data/dataset-info.js';
export { listDatasets, getDatasetInfo } from './data/registry.js';
export { readSplits, loadDataset, type SplitData } from './data/load.js';
export { resolveDataRoot, datasetPath } from './data/root.js';
export { downloadFile, ensureDataset } from './data/download.js';
export { initEngine, engineInfo, type EngineInfo } from './engine/backend.js';
export { seedEverything, makeRng } from './engine/seed.js';
export {
  createModel,
  createTrainable,
  listModels,
  listBackbones,
  getModelEntry,
  registerModel,
  saveModel,
  loadModel,
  countParams,
  countMultiplyAdds,
  type TrainableModel,
  type TrainableSpec,
} from './models/index.js';
export { trainModel, type EpochRecord } from './train/trainer.js';
export { computeAuc, rocCurve } from './metrics/auc.js';
export { medmnistAcc, medmnistAuc } from './metrics/evaluator.js';
export { clinicalMetrics } from './metrics/clinical.js';
export { RunFolder, RunWriter, type RunConfig, type SplitMetrics } from './runfolder/index.js';
export { trainRun, type TrainRunOptions } from './run/train.js';
export { evaluateRun, evaluateSplit } from './run/evaluate.js';
export { compareRuns } from './run/compare.js';
export { checkAugmentation, type AugmentCheckResult, type AugmentVerdict } from './run/augment-check.js';
export { predictImages } from './run/predict-images.js';
export { explainImages, anatomyOfImage } from './run/explain-images.js';
export { exportRun, type ExportOptions, type ExportResult } from './run/export.js';
export { layersModelToOnnx, onnxToLayersModel, openOnnxSession, ONNX_IO } from './models/onnx/index.js';
export * from './augment/index.js';
