import fs from 'node:fs';
import path from 'node:path';
import { type Lang, t } from '../i18n/messages.js';
import { type SeedSummary, summarizeSeeds } from '../metrics/seeds.js';
import { seedSpreadPng } from '../report/reliability-plot.js';
import { type SplitMetrics, StagedFolder } from '../runfolder/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { type TrainRunOptions, type TrainRunResult, trainRun } from './train.js';

/** The metrics a multi-seed summary reports per seed, by the names its tables use. */
export const SEED_METRICS = ['auc', 'acc', 'accAtPoint', 'sensitivity', 'specificity', 'ece'] as const;

/** One seed's test metrics: AUC, ACC at 0.5, and at the validation-chosen point ACC, sensitivity, specificity; ECE. */
export function seedMetrics(m: SplitMetrics | null): Record<(typeof SEED_METRICS)[number], number | null> {
  const op = m?.operatingPoint;
  const cal = m?.calibration;
  return {
    auc: m?.auc ?? null,
    acc: m?.acc ?? null,
    accAtPoint: op?.accuracy ?? null,
    sensitivity: op ? op.sensitivity : (m?.clinical?.sensitivity ?? null),
    specificity: op ? op.specificity : (m?.clinical?.specificity ?? null),
    ece: (cal?.after ?? cal?.before)?.ece ?? null,
  };
}

/** The summary as a Markdown table: one row per seed, then mean ± sd and the 95% interval over seeds. */
export function seedsTable(summary: SeedSummary): string {
  const f = (v: number | null | undefined): string =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '–';
  const head = `| seed | ${summary.metrics.map((m) => m.metric).join(' | ')} |`;
  const rule = `|---|${summary.metrics.map(() => '---:').join('|')}|`;
  const rows = summary.seeds.map((s, i) => `| ${s} | ${summary.metrics.map((m) => f(m.values[i])).join(' | ')} |`);
  const mean = `| mean ± sd | ${summary.metrics.map((m) => `${f(m.mean)} ± ${f(m.sd)}`).join(' | ')} |`;
  const ci = `| 95% interval (t, over seeds) | ${summary.metrics.map((m) => (m.ci95 ? `${f(m.ci95[0])}–${f(m.ci95[1])}` : '–')).join(' | ')} |`;
  return [head, rule, ...rows, mean, ci].join('\n');
}

const isSeedsFolder = (dir: string): boolean => fs.existsSync(path.join(dir, 'seeds.json'));

/**
 * Trains the same run once per seed (`seed-N/` run folders) and writes the spread over seeds: seeds.csv,
 * seeds.md, seeds.json and seeds.png. The folder is assembled aside and moved into place at the end; a stop
 * request ends the current seed's run as usual and skips the rest.
 */
export async function trainSeeds(
  opts: Omit<TrainRunOptions, 'seed'> & { seeds: number[] },
): Promise<{ dir: string; runs: TrainRunResult[]; summary: SeedSummary }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const out = opts.out ?? path.join('runs', `${opts.dataset}-seeds`);
  const folder = StagedFolder.create(out, {
    overwrite: Boolean(opts.overwrite),
    isOurs: isSeedsFolder,
    kind: { en: 'a medcnn multi-seed run', ja: 'medcnn の複数シードの学習結果' },
    flag: '--out',
  });
  try {
    const runs: TrainRunResult[] = [];
    for (const seed of opts.seeds) {
      if (opts.stop?.requested) break;
      log(t(opts.lang, 'seedRun', { seed, n: runs.length + 1, total: opts.seeds.length }));
      runs.push(
        await trainRun({
          ...opts,
          seed,
          out: path.join(folder.dir, `seed-${seed}`),
          overwrite: false,
          // The run is written inside the staging folder; say where it will be.
          log: (line) => log(`  ${line.replaceAll(folder.dir, folder.target)}`),
        }),
      );
    }
    const seeds = runs.map((_, i) => opts.seeds[i]);
    const summary = summarizeSeeds(
      runs.map((r, i) => ({ seed: seeds[i], metrics: seedMetrics(r.test) })),
      SEED_METRICS,
    );
    writeSummary(folder.dir, summary, opts.lang, log);
    const dir = folder.commit();
    log(t(opts.lang, 'seedsWritten', { dir }));
    return { dir, runs, summary };
  } catch (e) {
    folder.abort();
    throw e;
  }
}

function writeSummary(dir: string, summary: SeedSummary, lang: Lang, log: (line: string) => void): void {
  const table = seedsTable(summary);
  log('');
  log(t(lang, 'seedsTitle', { n: summary.seeds.length }));
  log(table);
  writeFileAtomic(path.join(dir, 'seeds.md'), `${t(lang, 'seedsTitle', { n: summary.seeds.length })}\n\n${table}\n`);
  const csv = [
    ['seed', ...summary.metrics.map((m) => m.metric)].join(','),
    ...summary.seeds.map((s, i) => [s, ...summary.metrics.map((m) => m.values[i] ?? '')].join(',')),
  ];
  writeFileAtomic(path.join(dir, 'seeds.csv'), `${csv.join('\n')}\n`);
  writeFileAtomic(path.join(dir, 'seeds.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(path.join(dir, 'seeds.png'), seedSpreadPng(summary, lang));
}
