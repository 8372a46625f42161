import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Lang } from '../i18n/messages.js';
import type { EpochRecord } from '../train/trainer.js';
import { formatSplitsCsv, type SplitRow } from '../data/splits.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { RunConfig } from './config.js';
import {
  type ModelChoice,
  RUN_FILES,
  type RunFile,
  type SplitMetrics,
  writeConfigFile,
  writeEvaluationFiles,
  writeHistoryFiles,
  writeModel,
  writeReportFile,
} from './files.js';
import { isRunFolder } from './run-folder.js';
import { StagedFolder } from './staged.js';

/**
 * A new run folder being written: assembled aside (`.NAME.partial-PID`) under a lock and moved into place by
 * `commit`, so a reader never sees half a run, two trainings never mix their files, and a failed run leaves
 * nothing. An existing run is replaced only with `overwrite`; any other existing folder never.
 */
export class RunWriter {
  private constructor(private readonly staged: StagedFolder) {}

  static create(target: string, opts: { overwrite: boolean }): RunWriter {
    return new RunWriter(
      StagedFolder.create(target, {
        overwrite: opts.overwrite,
        isOurs: isRunFolder,
        kind: { en: 'a medcnn run', ja: 'medcnn の実行結果' },
        flag: '--out',
      }),
    );
  }

  /** Where the run will be once committed. */
  get target(): string {
    return this.staged.target;
  }

  writeConfig(config: RunConfig): void {
    writeConfigFile(this.staged.dir, config);
  }

  writeFile(file: RunFile): void {
    writeFileAtomic(path.join(this.staged.dir, file.name), file.data);
  }

  async saveModel(model: tfl.LayersModel, which: ModelChoice): Promise<void> {
    await writeModel(this.staged.dir, model, which);
  }

  /** splits.csv: which of your own images went to which split. */
  writeSplits(rows: SplitRow[]): void {
    writeFileAtomic(path.join(this.staged.dir, RUN_FILES.splits), formatSplitsCsv(rows));
  }

  writeHistory(history: EpochRecord[], lang: Lang): void {
    writeHistoryFiles(this.staged.dir, history, lang);
  }

  writeEvaluation(metrics: SplitMetrics, files: RunFile[], dataset: string): void {
    writeEvaluationFiles(this.staged.dir, metrics, files, dataset);
  }

  /** Writes report.html and moves the finished run into place; returns its folder. */
  commit(lang: Lang): string {
    writeReportFile(this.staged.dir, lang);
    return this.staged.commit();
  }

  /** Drops everything written; the target is left as it was. */
  abort(): void {
    this.staged.abort();
  }
}
