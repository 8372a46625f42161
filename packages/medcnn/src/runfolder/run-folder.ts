import fs from 'node:fs';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/dataset-info.js';
import { parseSplitsCsv } from '../data/splits.js';
import { MedcnnError } from '../errors.js';
import type { Lang } from '../i18n/messages.js';
import { loadModel } from '../models/index.js';
import { type RunConfig, validateRunConfig } from './config.js';
import {
  type ModelChoice,
  modelFolder,
  RUN_FILES,
  type RunFile,
  readMetricsFile,
  type SplitMetrics,
  writeEvaluationFiles,
  writeReportFile,
} from './files.js';

/** Whether a folder holds a medcnn run (a config.json that names a medcnn version). */
export function isRunFolder(dir: string): boolean {
  try {
    const c = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.config), 'utf8'));
    return typeof c?.medcnnVersion === 'string';
  } catch {
    return false;
  }
}

/** A finished run folder, read (and updated by evaluate) through this class only. */
export class RunFolder {
  private constructor(
    readonly dir: string,
    readonly config: RunConfig,
  ) {}

  /** Opens a run folder: a clear error when it is not one, or when its config.json is damaged. */
  static open(dir: string): RunFolder {
    const file = path.join(dir, RUN_FILES.config);
    if (!fs.existsSync(file))
      throw new MedcnnError(
        `${dir} is not a medcnn run folder (no config.json). Pass the folder that 'medcnn train' wrote.`,
        `${dir} は medcnn の実行フォルダではありません（config.json がありません）。'medcnn train' が書き出したフォルダを指定してください。`,
      );
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new MedcnnError(
        `${file} is damaged: ${(e as Error).message}. Train the run again.`,
        `${file} は壊れています: ${(e as Error).message}。学習をやり直してください。`,
      );
    }
    return new RunFolder(dir, validateRunConfig(value, file));
  }

  /** The folder of the kept (best on validation AUC) or the last model. */
  modelDir(which: ModelChoice = 'kept'): string {
    return path.join(this.dir, modelFolder(which));
  }

  /** Loads one of the run's models; a run stopped before its first epoch has none, and says so. */
  async loadModel(which: ModelChoice = 'kept'): Promise<tfl.LayersModel> {
    const dir = this.modelDir(which);
    if (!fs.existsSync(path.join(dir, 'model.json')))
      throw new MedcnnError(
        `${this.dir} has no ${which === 'kept' ? 'kept' : 'last'} model (${modelFolder(which)}/model.json): the run was stopped before its first epoch ended, or the folder is incomplete. Train it again.`,
        `${this.dir} には${which === 'kept' ? '保存された最良の' : '最後の'}モデル（${modelFolder(which)}/model.json）がありません。最初のエポックが終わる前に停止したか、フォルダが不完全です。学習をやり直してください。`,
      );
    return loadModel(dir);
  }

  /** The metrics saved per split (none yet: an empty object). */
  readMetrics(): Record<string, SplitMetrics> {
    return readMetricsFile(this.dir);
  }

  /** splits.csv (own data): path → split; a clear error when a run of own data has none. */
  readSplits(): Map<string, Split> {
    const f = path.join(this.dir, RUN_FILES.splits);
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      throw new MedcnnError(
        `${f} is missing: the run cannot tell which of its images were for testing. Train the run again.`,
        `${f} がありません。どの画像がテスト用だったか分かりません。学習をやり直してください。`,
      );
    }
    return parseSplitsCsv(text, f);
  }

  /** history.csv as text, or null. */
  readHistoryCsv(): string | null {
    const f = path.join(this.dir, RUN_FILES.history);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
  }

  /** Saves a re-evaluation of one split (each file written atomically) and rewrites the report. */
  saveEvaluation(metrics: SplitMetrics, files: RunFile[], lang: Lang): void {
    writeEvaluationFiles(this.dir, metrics, files, this.config.dataset);
    writeReportFile(this.dir, lang);
  }
}
