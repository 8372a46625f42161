import fs from 'node:fs';
import path from 'node:path';
import type { AugmentFn } from '../augment/index.js';
import { MedcnnError } from '../errors.js';
import { type Lang, t } from '../i18n/messages.js';
import { type FreezePlan, findBackbone, getModelEntry } from '../models/index.js';
import { compareCurvesPng } from '../report/compare-plot.js';
import { StagedFolder } from '../runfolder/index.js';
import type { EpochRecord } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { StopRequest } from '../util/stop.js';
import { type OwnDataRequest, trainRun } from './train.js';

/** One contender: a registry model trained from scratch, or a pretrained backbone with a new head. */
export type CompareSpec =
  | { label: string; kind: 'scratch'; model: string }
  | { label: string; kind: 'transfer'; pretrained: string };

/** One row of the comparison table. */
export interface CompareRow {
  run: string;
  fraction: number;
  trainImages: number;
  bestEpoch: number;
  acc: number;
  auc: number;
  sensitivity: number | null;
  specificity: number | null;
  seconds: number;
  dir: string;
  history: EpochRecord[];
}

/** Parses `scratch:simplecnn,transfer:mobilenet_v2_0.35` (a bare name is a registry model, or a known backbone). */
export function parseCompareSpecs(list: string): CompareSpec[] {
  const specs = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item): CompareSpec => {
      const m = /^(scratch|transfer):(.+)$/.exec(item);
      const kind = m ? m[1] : findBackbone(item) ? 'transfer' : 'scratch';
      const name = m ? m[2] : item;
      if (kind === 'scratch') {
        getModelEntry(name); // a clear error now, not after the first run
        return { label: `scratch:${name}`, kind, model: name };
      }
      return { label: `transfer:${name}`, kind: 'transfer', pretrained: name };
    });
  if (specs.length === 0)
    throw new MedcnnError(
      '--runs needs at least one run, e.g. --runs scratch:simplecnn,transfer:mobilenet_v2_0.35',
      '--runs には少なくとも 1 つの実行を指定してください（例: --runs scratch:simplecnn,transfer:mobilenet_v2_0.35）。',
    );
  return specs;
}

/** Parses `0.1,0.25,1`: fractions of the training set in (0, 1]. */
export function parseFractions(list: string): number[] {
  const out = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (out.length === 0 || out.some((f) => !(f > 0 && f <= 1)))
    throw new MedcnnError(
      `--train-fraction takes fractions in (0, 1] such as 0.1,0.25,1; got '${list}'.`,
      `--train-fraction には (0, 1] の割合を指定してください（例: 0.1,0.25,1。指定値: '${list}'）。`,
    );
  return out;
}

export interface CompareOptions {
  dataset: string;
  specs: CompareSpec[];
  fractions: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  out: string;
  overwrite?: boolean;
  size: number;
  root?: string;
  /** Your own images instead of `dataset`. */
  data?: OwnDataRequest;
  backend?: string;
  threads?: number;
  lang: Lang;
  /** How transfer contenders are built (the backbone itself comes from each spec). */
  transfer: { inputSize?: number; freeze: FreezePlan; backboneLearningRate?: number };
  /** The same augmentation for every run (none when absent). */
  augment?: { fn: AugmentFn; name: string };
  log?: (line: string) => void;
  /** Set by Ctrl-C or SIGTERM: the current run stops and is saved, and no further run starts. */
  stop?: StopRequest;
}

/** Whether a folder holds an earlier comparison. */
const isComparison = (dir: string): boolean => fs.existsSync(path.join(dir, 'compare.json'));

/**
 * Trains every contender on the same splits, training subsets and seed, keeps each one's best epoch on
 * validation AUC, and writes the overlaid validation-AUC curves, a table (CSV and Markdown) and JSON. The
 * comparison folder is assembled aside and moved into place when every run is done.
 */
export async function compareRuns(opts: CompareOptions): Promise<CompareRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const folder = StagedFolder.create(opts.out, {
    overwrite: Boolean(opts.overwrite),
    isOurs: isComparison,
    kind: { en: 'a medcnn comparison', ja: 'medcnn の比較結果' },
    flag: '--out',
  });
  try {
    const rows: CompareRow[] = [];
    for (const fraction of opts.fractions) {
      for (const spec of opts.specs) {
        if (opts.stop?.requested) break;
        const name = `${spec.label.replace(/[^\w.-]+/g, '-')}-f${fraction}`;
        const start = performance.now();
        log(t(opts.lang, 'compareRun', { run: spec.label, fraction: `${Math.round(fraction * 100)}%` }));
        const res = await trainRun({
          dataset: opts.dataset,
          model:
            spec.kind === 'scratch' ? { architecture: spec.model } : { pretrained: spec.pretrained, ...opts.transfer },
          size: opts.size,
          data: opts.data,
          epochs: opts.epochs,
          batchSize: opts.batchSize,
          learningRate: opts.learningRate,
          seed: opts.seed,
          root: opts.root,
          out: path.join(folder.dir, name),
          backend: opts.backend,
          threads: opts.threads,
          lang: opts.lang,
          progress: false,
          stop: opts.stop,
          trainFraction: fraction,
          augment: opts.augment,
          log: (line) => log(`  ${line}`),
        });
        const c = res.test?.clinical;
        rows.push({
          run: spec.label,
          fraction,
          trainImages: res.trainCount,
          bestEpoch: res.bestEpoch,
          acc: res.test?.acc ?? Number.NaN,
          auc: res.test?.auc ?? Number.NaN,
          sensitivity: c ? c.sensitivity : null,
          specificity: c ? c.specificity : null,
          seconds: (performance.now() - start) / 1000,
          dir: path.join(opts.out, name),
          history: res.history,
        });
      }
    }
    const table = compareTable(rows);
    log('');
    log(t(opts.lang, 'compareTable', { seed: opts.seed }));
    log(table);
    const write = (file: string, data: string | Uint8Array): void => writeFileAtomic(path.join(folder.dir, file), data);
    write('compare.md', `${t(opts.lang, 'compareTable', { seed: opts.seed })}\n\n${table}\n`);
    const csv = [
      'run,train_fraction,train_images,best_epoch,test_acc,test_auc,sensitivity,specificity,seconds',
      ...rows.map((r) =>
        [
          r.run,
          r.fraction,
          r.trainImages,
          r.bestEpoch,
          r.acc,
          r.auc,
          r.sensitivity ?? '',
          r.specificity ?? '',
          r.seconds.toFixed(1),
        ].join(','),
      ),
    ];
    write('compare.csv', `${csv.join('\n')}\n`);
    write('compare.json', `${JSON.stringify(rows, (_, v) => (Number.isNaN(v) ? null : v), 2)}\n`);
    write('compare-curves.png', compareCurvesPng(rows, opts.lang));
    folder.commit();
    log(t(opts.lang, 'compareWritten', { dir: opts.out }));
    return rows;
  } catch (e) {
    folder.abort();
    throw e;
  }
}

/** The comparison as a Markdown table. */
export function compareTable(rows: CompareRow[]): string {
  const f = (v: number | null): string => (v === null || Number.isNaN(v) ? '–' : v.toFixed(4));
  const lines = [
    '| run | train fraction | train images | best epoch | test ACC | test AUC | sensitivity | specificity | time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.run} | ${r.fraction} | ${r.trainImages} | ${r.bestEpoch} | ${f(r.acc)} | ${f(r.auc)} | ${f(r.sensitivity)} | ${f(r.specificity)} | ${r.seconds.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}
