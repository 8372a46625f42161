import fs from 'node:fs';
import path from 'node:path';
import type { AugmentFn } from '../augment/index.js';
import { MedcnnError } from '../errors.js';
import { type Lang, t } from '../i18n/messages.js';
import { type FreezePlan, findBackbone, getModelEntry } from '../models/index.js';
import { type DeLongResult, delongTest, type McNemarResult, mcnemarTest } from '../metrics/paired-tests.js';
import { summarizeSeeds } from '../metrics/seeds.js';
import { compareCurvesPng } from '../report/compare-plot.js';
import { StagedFolder } from '../runfolder/index.js';
import type { TrainingRecipe } from '../train/recipe.js';
import type { EpochRecord } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { StopRequest } from '../util/stop.js';
import type { DecisionSettings } from './decision.js';
import type { PositiveScores } from './evaluate.js';
import { seedMetrics } from './seeds.js';
import { type OwnDataRequest, trainRun } from './train.js';

/** One contender: a registry model trained from scratch, or a pretrained backbone with a new head. */
export type CompareSpec =
  | { label: string; kind: 'scratch'; model: string }
  | { label: string; kind: 'transfer'; pretrained: string };

/** One row of the comparison table. */
export interface CompareRow {
  run: string;
  fraction: number;
  seed: number;
  trainImages: number;
  bestEpoch: number;
  acc: number;
  auc: number;
  /** At the threshold chosen on validation (at 0.5 where the run has none). */
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
  device?: string;
  lang: Lang;
  /** How transfer contenders are built (the backbone itself comes from each spec). */
  transfer: { inputSize?: number; freeze: FreezePlan; backboneLearningRate?: number };
  /** The same augmentation for every run (none when absent). */
  augment?: { fn: AugmentFn; name: string };
  /** Several seeds: every contender is trained once per seed, and the paired tests run per seed. */
  seeds?: number[];
  /** The same recipe for every run (the tutorial's when absent). */
  recipe?: TrainingRecipe;
  positiveClass?: string;
  decision?: Partial<DecisionSettings>;
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
    const seeds = opts.seeds ?? [opts.seed];
    const rows: CompareRow[] = [];
    const scores = new Map<string, PositiveScores>(); // by run, fraction and seed: for the paired tests
    for (const fraction of opts.fractions) {
      for (const spec of opts.specs) {
        for (const seed of seeds) {
          if (opts.stop?.requested) break;
          const name = `${spec.label.replace(/[^\w.-]+/g, '-')}-f${fraction}${seeds.length > 1 ? `-s${seed}` : ''}`;
          const start = performance.now();
          log(t(opts.lang, 'compareRun', { run: spec.label, fraction: `${Math.round(fraction * 100)}%`, seed }));
          const res = await trainRun({
            dataset: opts.dataset,
            model:
              spec.kind === 'scratch'
                ? { architecture: spec.model }
                : { pretrained: spec.pretrained, ...opts.transfer },
            size: opts.size,
            data: opts.data,
            epochs: opts.epochs,
            batchSize: opts.batchSize,
            learningRate: opts.learningRate,
            seed,
            root: opts.root,
            out: path.join(folder.dir, name),
            backend: opts.backend,
            threads: opts.threads,
            device: opts.device,
            lang: opts.lang,
            progress: false,
            stop: opts.stop,
            trainFraction: fraction,
            augment: opts.augment,
            recipe: opts.recipe,
            positiveClass: opts.positiveClass,
            decision: opts.decision,
            // The run is written inside the staging folder; say where it will be.
            log: (line) => log(`  ${line.replaceAll(folder.dir, folder.target)}`),
          });
          if (res.testScores) scores.set(`${spec.label}|${fraction}|${seed}`, res.testScores);
          const m = seedMetrics(res.test);
          rows.push({
            run: spec.label,
            fraction,
            seed,
            trainImages: res.trainCount,
            bestEpoch: res.bestEpoch,
            acc: res.test?.acc ?? Number.NaN,
            auc: res.test?.auc ?? Number.NaN,
            sensitivity: m.sensitivity,
            specificity: m.specificity,
            seconds: (performance.now() - start) / 1000,
            dir: path.join(opts.out, name),
            history: res.history,
          });
        }
      }
    }
    const tests = pairedTests(opts.specs, opts.fractions, seeds, scores);
    const table = compareTable(rows);
    log('');
    log(t(opts.lang, 'compareTable', { seed: seeds.join(', ') }));
    log(table);
    const write = (file: string, data: string | Uint8Array): void => writeFileAtomic(path.join(folder.dir, file), data);
    write('compare.md', `${t(opts.lang, 'compareTable', { seed: seeds.join(', ') })}\n\n${table}\n`);
    const csv = [
      'run,train_fraction,seed,train_images,best_epoch,test_acc,test_auc,sensitivity,specificity,seconds',
      ...rows.map((r) =>
        [
          r.run,
          r.fraction,
          r.seed,
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
    if (seeds.length > 1) {
      const spread = spreadTable(rows, opts.specs, opts.fractions);
      log('');
      log(t(opts.lang, 'compareSpread', { n: seeds.length }));
      log(spread);
      write('compare-seeds.md', `${t(opts.lang, 'compareSpread', { n: seeds.length })}\n\n${spread}\n`);
    }
    if (tests.length > 0) {
      const table = testsTable(tests);
      log('');
      log(t(opts.lang, 'compareTests'));
      log(table);
      write('compare-tests.md', `${t(opts.lang, 'compareTests')}\n\n${table}\n`);
      write('compare-tests.json', `${JSON.stringify(tests, null, 2)}\n`);
    }
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
    '| run | train fraction | seed | train images | best epoch | test ACC | test AUC | sensitivity | specificity | time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.run} | ${r.fraction} | ${r.seed} | ${r.trainImages} | ${r.bestEpoch} | ${f(r.acc)} | ${f(r.auc)} | ${f(r.sensitivity)} | ${f(r.specificity)} | ${r.seconds.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}

/** One paired comparison of two contenders on the same test images, trained with the same seed. */
export interface PairedTest {
  fraction: number;
  seed: number;
  a: string;
  b: string;
  delong: DeLongResult;
  /** ACC at each run's own threshold (chosen on validation), and McNemar's test of the disagreements. */
  accA: number;
  accB: number;
  mcnemar: McNemarResult;
}

/** DeLong's test of the AUCs and McNemar's test of the decisions, for every pair of contenders, per seed. */
function pairedTests(
  specs: CompareSpec[],
  fractions: number[],
  seeds: number[],
  scores: Map<string, PositiveScores>,
): PairedTest[] {
  const out: PairedTest[] = [];
  for (const fraction of fractions)
    for (let i = 0; i < specs.length; i++)
      for (let j = i + 1; j < specs.length; j++)
        for (const seed of seeds) {
          const a = scores.get(`${specs[i].label}|${fraction}|${seed}`);
          const b = scores.get(`${specs[j].label}|${fraction}|${seed}`);
          if (!a || !b) continue;
          const predA = a.positive.map((p) => (p > a.threshold ? 1 : 0));
          const predB = b.positive.map((p) => (p > b.threshold ? 1 : 0));
          const acc = (pred: Float32Array): number =>
            pred.reduce((n, v, k) => n + (v === a.truth[k] ? 1 : 0), 0) / pred.length;
          out.push({
            fraction,
            seed,
            a: specs[i].label,
            b: specs[j].label,
            delong: delongTest(a.truth, a.positive, b.positive),
            accA: acc(predA),
            accB: acc(predB),
            mcnemar: mcnemarTest(a.truth, predA, predB),
          });
        }
  return out;
}

const p4 = (v: number | null): string => (v === null ? '–' : v < 1e-4 ? v.toExponential(1) : v.toFixed(4));

/** The paired tests as a Markdown table. */
export function testsTable(tests: PairedTest[]): string {
  return [
    '| train fraction | seed | A | B | AUC A | AUC B | DeLong p | ACC A | ACC B | McNemar p |',
    '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|',
    ...tests.map(
      (x) =>
        `| ${x.fraction} | ${x.seed} | ${x.a} | ${x.b} | ${x.delong.aucA.toFixed(4)} | ${x.delong.aucB.toFixed(4)} | ${p4(x.delong.pValue)} | ${x.accA.toFixed(4)} | ${x.accB.toFixed(4)} | ${p4(x.mcnemar.pValue)} (${x.mcnemar.method}) |`,
    ),
  ].join('\n');
}

/** Mean ± sd over seeds of each contender's test metrics. */
function spreadTable(rows: CompareRow[], specs: CompareSpec[], fractions: number[]): string {
  const f = (v: number | null): string => (v === null ? '–' : v.toFixed(4));
  const lines = [
    '| run | train fraction | seeds | test AUC | test ACC | sensitivity | specificity |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const fraction of fractions)
    for (const spec of specs) {
      const mine = rows.filter((r) => r.run === spec.label && r.fraction === fraction);
      if (mine.length === 0) continue;
      const summary = summarizeSeeds(
        mine.map((r) => ({
          seed: r.seed,
          metrics: { auc: r.auc, acc: r.acc, sens: r.sensitivity, spec: r.specificity },
        })),
        ['auc', 'acc', 'sens', 'spec'],
      );
      const cell = (k: number): string => `${f(summary.metrics[k].mean)} ± ${f(summary.metrics[k].sd)}`;
      lines.push(
        `| ${spec.label} | ${fraction} | ${mine.length} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${cell(3)} |`,
      );
    }
  return lines.join('\n');
}
