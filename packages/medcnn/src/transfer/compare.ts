import fs from 'node:fs';
import path from 'node:path';
import type { ImageSize } from '../data/dataset-info.js';
import { MedcnnError } from '../errors.js';
import { t, type Lang } from '../i18n/messages.js';
import { getModelEntry } from '../models/index.js';
import { blankFigure, figureFont } from '../report/figure.js';
import type { AugmentFn } from '../train/trainer.js';
import { trainRun } from '../run/train-run.js';
import type { EpochRecord } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomic.js';
import { findBackbone } from './backbones.js';
import type { FreezePlan } from './model.js';

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
    throw new MedcnnError('--runs needs at least one run, e.g. --runs scratch:simplecnn,transfer:mobilenet_v2_0.35');
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
    throw new MedcnnError(`--train-fraction takes fractions in (0, 1] such as 0.1,0.25,1; got '${list}'.`);
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
  size: ImageSize;
  root?: string;
  backend?: string;
  threads?: number;
  lang: Lang;
  /** For transfer runs. */
  inputSize?: number;
  freeze: FreezePlan;
  backboneLearningRate?: number;
  /** The same augmentation for every run (none when absent). */
  augment?: { fn: AugmentFn; name: string };
  log?: (line: string) => void;
}

/**
 * Trains every contender on the same splits, training subsets and seed, keeps each one's best epoch on
 * validation AUC, and writes the overlaid validation-AUC curves, a table (CSV and Markdown) and JSON.
 */
export async function compareRuns(opts: CompareOptions): Promise<CompareRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  fs.mkdirSync(opts.out, { recursive: true });
  const rows: CompareRow[] = [];
  for (const fraction of opts.fractions) {
    for (const spec of opts.specs) {
      const dir = path.join(opts.out, `${spec.label.replace(/[^\w.-]+/g, '-')}-f${fraction}`);
      const start = performance.now();
      let trainImages = 0;
      const res = await trainRun({
        dataset: opts.dataset,
        model: spec.kind === 'scratch' ? spec.model : 'simplecnn',
        size: opts.size,
        epochs: opts.epochs,
        batchSize: opts.batchSize,
        learningRate: opts.learningRate,
        seed: opts.seed,
        root: opts.root,
        out: dir,
        backend: opts.backend,
        threads: opts.threads,
        lang: opts.lang,
        progress: false,
        handleSigint: false,
        trainFraction: fraction,
        augment: opts.augment?.fn,
        augmentName: opts.augment?.name,
        transfer:
          spec.kind === 'transfer'
            ? {
                pretrained: spec.pretrained,
                inputSize: opts.inputSize,
                freeze: opts.freeze,
                backboneLearningRate: opts.backboneLearningRate,
              }
            : undefined,
        log: (line) => {
          const m = /train (\d+) ·/.exec(line);
          if (m) {
            trainImages = Number(m[1]);
            log(
              t(opts.lang, 'compareRun', {
                run: spec.label,
                fraction: `${Math.round(fraction * 100)}%`,
                n: trainImages,
              }),
            );
          }
          log(`  ${line}`);
        },
      });
      const c = res.test?.clinical;
      rows.push({
        run: spec.label,
        fraction,
        trainImages,
        bestEpoch: res.bestEpoch,
        acc: res.test?.acc ?? NaN,
        auc: res.test?.auc ?? NaN,
        sensitivity: c ? c.sensitivity : null,
        specificity: c ? c.specificity : null,
        seconds: (performance.now() - start) / 1000,
        dir,
        history: res.history,
      });
    }
  }
  const table = compareTable(rows);
  log('');
  log(t(opts.lang, 'compareTable', { seed: opts.seed }));
  log(table);
  writeFileAtomic(
    path.join(opts.out, 'compare.md'),
    `${t(opts.lang, 'compareTable', { seed: opts.seed })}\n\n${table}\n`,
  );
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
  writeFileAtomic(path.join(opts.out, 'compare.csv'), `${csv.join('\n')}\n`);
  writeFileAtomic(
    path.join(opts.out, 'compare.json'),
    `${JSON.stringify(
      rows.map(({ history, ...r }) => ({ ...r, history })),
      null,
      2,
    )}\n`,
  );
  writeFileAtomic(path.join(opts.out, 'compare-curves.png'), compareCurvesPng(rows, opts.lang));
  log(t(opts.lang, 'compareWritten', { dir: opts.out }));
  return rows;
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

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

/** Validation AUC per epoch of every run, overlaid: colour = run, dash = training fraction. */
export function compareCurvesPng(rows: CompareRow[], lang: Lang): Buffer {
  // The legend goes under the plot, so it never hides a curve.
  const W = 720,
    H = 440 + rows.length * 18 + 12;
  const M = { left: 70, right: 24, top: 48, bottom: 62 + rows.length * 18 + 12 };
  const { canvas, g } = blankFigure(W, H);
  const font = figureFont;
  const aucs = rows.flatMap((r) => r.history.map((h) => h.valAuc)).filter(Number.isFinite);
  const lo = Math.max(0, Math.floor((Math.min(1, ...aucs) - 0.02) * 20) / 20);
  const maxEpoch = Math.max(2, ...rows.map((r) => r.history.length));
  const pw = W - M.left - M.right,
    ph = H - M.top - M.bottom;
  const sx = (e: number): number => M.left + ((e - 1) / (maxEpoch - 1)) * pw;
  const sy = (v: number): number => M.top + ph - ((v - lo) / (1 - lo || 1)) * ph;
  g.font = font(12);
  g.strokeStyle = '#e5e5e5';
  g.fillStyle = '#333';
  for (let i = 0; i <= 5; i++) {
    const v = lo + ((1 - lo) * i) / 5;
    g.beginPath();
    g.moveTo(M.left, sy(v));
    g.lineTo(M.left + pw, sy(v));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(v.toFixed(2), M.left - 6, sy(v) + 4);
  }
  g.textAlign = 'center';
  const step = Math.ceil(maxEpoch / 12);
  for (let e = 1; e <= maxEpoch; e += step) g.fillText(String(e), sx(e), M.top + ph + 18);
  g.strokeStyle = '#333';
  g.strokeRect(M.left, M.top, pw, ph);
  const runs = [...new Set(rows.map((r) => r.run))];
  const fractions = [...new Set(rows.map((r) => r.fraction))];
  const items: [string, string, number[]][] = [];
  for (const r of rows) {
    const color = COLORS[runs.indexOf(r.run) % COLORS.length];
    const dash = DASHES[fractions.indexOf(r.fraction) % DASHES.length];
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dash);
    g.beginPath();
    r.history.forEach((h, i) => (i === 0 ? g.moveTo(sx(h.epoch), sy(h.valAuc)) : g.lineTo(sx(h.epoch), sy(h.valAuc))));
    g.stroke();
    g.setLineDash([]);
    for (const h of r.history) g.fillRect(sx(h.epoch) - 2.5, sy(h.valAuc) - 2.5, 5, 5);
    items.push([`${r.run} · ${Math.round(r.fraction * 100)}% (${r.trainImages})`, color, dash]);
  }
  g.fillStyle = '#111';
  g.font = font(17, true);
  g.fillText(t(lang, 'compareTitle'), M.left + pw / 2, 28);
  g.font = font(13);
  g.fillText(t(lang, 'epoch'), M.left + pw / 2, M.top + ph + 40);
  g.save();
  g.translate(18, M.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(t(lang, 'compareAuc'), 0, 0);
  g.restore();
  g.font = font(12);
  const lx = M.left,
    ly = M.top + ph + 52;
  items.forEach(([label, color, dash], i) => {
    const y = ly + 13 + i * 18;
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dash);
    g.beginPath();
    g.moveTo(lx + 8, y - 4);
    g.lineTo(lx + 36, y - 4);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#111';
    g.textAlign = 'left';
    g.fillText(label, lx + 42, y);
  });
  return canvas.toBuffer('image/png');
}
