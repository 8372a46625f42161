// The on-disk run format: the one module that reads and writes a run folder.
export { type DataSourceRecord, RUN_FORMAT, type RunConfig, validateRunConfig } from './config.js';
export {
  type CalibrationSummary,
  defaultRunDir,
  type ModelChoice,
  RUN_FILES,
  type RunFile,
  type SplitMetrics,
} from './files.js';
export { isRunFolder, RunFolder } from './run-folder.js';
export { RunWriter } from './run-writer.js';
export { StagedFolder } from './staged.js';
