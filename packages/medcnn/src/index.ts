/** medcnn's library API: data, models, training, metrics and reports, usable without the CLI. */
export { MedcnnError } from './errors.js';
export * from './data/dataset-info.js';
export { listDatasets, getDatasetInfo } from './data/registry.js';
export { readSplits, loadDataset, type SplitData } from './data/load.js';
export { resolveDataRoot, datasetPath } from './data/root.js';
export { downloadFile, ensureDataset } from './data/download.js';
export { initEngine, engineInfo, type EngineInfo } from './engine/backend.js';
export { seedEverything, makeRng } from './engine/seed.js';
export { createModel, listModels, getModelEntry, registerModel } from './models/index.js';
export { saveModel, loadModel } from './models/io.js';
export { trainModel, type EpochRecord } from './train/trainer.js';
export { computeAuc, rocCurve } from './metrics/auc.js';
export { medmnistAcc, medmnistAuc } from './metrics/evaluator.js';
export { clinicalMetrics } from './metrics/clinical.js';
export { trainRun } from './run/train-run.js';
export { evaluateRun } from './run/evaluate-run.js';
export { predictImages } from './run/predict-images.js';
