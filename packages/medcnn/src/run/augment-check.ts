import fs from 'node:fs';
import path from 'node:path';
import type { AugmentFn } from '../augment/index.js';
import { type Lang, t } from '../i18n/messages.js';
import { type PairedSeedDifference, pairedSeedDifference, type SeedSummary, summarizeSeeds } from '../metrics/seeds.js';
import { StagedFolder } from '../runfolder/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { type TrainRunOptions, type TrainRunResult, trainRun } from './train.js';

/** What augment-check concludes about an augmentation on one data set, from validation AUC only. */
export type AugmentVerdict = 'helps' | 'hurts' | 'no clear difference';

export interface AugmentCheckOptions extends Omit<TrainRunOptions, 'seed' | 'augment' | 'out' | 'overwrite'> {
  seeds: number[];
  /** The augmentation under test (the other arm trains without any). */
  augment: { fn: AugmentFn; name: string };
  /** The folder for both arms' runs and the summary (default runs/augment-check-<dataset>). */
  out?: string;
  overwrite?: boolean;
}

/** One seed: the kept model's validation AUC (the verdict's) and test AUC (shown only), without and with. */
export interface AugmentCheckRow {
  seed: number;
  without: { valAuc: number | null; testAuc: number | null };
  with: { valAuc: number | null; testAuc: number | null };
}

export interface AugmentCheckResult {
  dir: string;
  augment: string;
  rows: AugmentCheckRow[];
  /** Validation AUC with minus without, paired over seeds. */
  difference: PairedSeedDifference;
  verdict: AugmentVerdict;
  /** Mean, sd and t interval over seeds of each arm's validation and test AUC. */
  summary: SeedSummary;
}

const isCheckFolder = (dir: string): boolean => fs.existsSync(path.join(dir, 'augment-check.json'));

/** The validation AUC of the kept epoch (null when no epoch was kept). */
function keptValAuc(r: TrainRunResult): number | null {
  return r.bestEpoch > 0 ? (r.history[r.bestEpoch - 1]?.valAuc ?? null) : null;
}

/** The verdict from the paired difference of validation AUC (metrics/seeds.ts says when a direction is called). */
export function augmentVerdict(d: PairedSeedDifference): AugmentVerdict {
  return d.direction === 'higher' ? 'helps' : d.direction === 'lower' ? 'hurts' : 'no clear difference';
}

/**
 * Trains the same model with and without an augmentation on each seed (same initialisation, data order and
 * epochs; only the augmentation differs), then compares the kept models' validation AUC paired over seeds.
 * Seeds run one after another, both arms per seed, so a stop leaves complete pairs. The folder is assembled
 * aside and moved into place at the end.
 */
export async function checkAugmentation(opts: AugmentCheckOptions): Promise<AugmentCheckResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { lang } = opts;
  const out = opts.out ?? path.join('runs', `augment-check-${opts.dataset}`);
  const folder = StagedFolder.create(out, {
    overwrite: Boolean(opts.overwrite),
    isOurs: isCheckFolder,
    kind: { en: 'a medcnn augmentation check', ja: 'medcnn のデータ拡張の確認結果' },
    flag: '--out',
  });
  try {
    const rows: AugmentCheckRow[] = [];
    const total = opts.seeds.length * 2;
    for (const seed of opts.seeds) {
      const pair: Partial<Record<'without' | 'with', TrainRunResult>> = {};
      for (const arm of ['without', 'with'] as const) {
        if (opts.stop?.requested) break;
        const name = arm === 'with' ? t(lang, 'checkArmWith', { name: opts.augment.name }) : t(lang, 'checkArmWithout');
        log(t(lang, 'checkRun', { seed, arm: name, n: rows.length * 2 + Object.keys(pair).length + 1, total }));
        pair[arm] = await trainRun({
          ...opts,
          seed,
          augment: arm === 'with' ? opts.augment : undefined,
          out: path.join(folder.dir, arm, `seed-${seed}`),
          overwrite: false,
          log: (line) => log(`  ${line.replaceAll(folder.dir, folder.target)}`),
        });
      }
      // An interrupted run keeps what it learnt; a pair is counted only when both arms ran to the end.
      if (!pair.without || !pair.with || pair.without.stopped || pair.with.stopped) break;
      rows.push({
        seed,
        without: { valAuc: keptValAuc(pair.without), testAuc: pair.without.test?.auc ?? null },
        with: { valAuc: keptValAuc(pair.with), testAuc: pair.with.test?.auc ?? null },
      });
    }
    const difference = pairedSeedDifference(
      rows.map((r) => r.without.valAuc),
      rows.map((r) => r.with.valAuc),
    );
    const verdict = augmentVerdict(difference);
    const summary = summarizeSeeds(
      rows.map((r) => ({
        seed: r.seed,
        metrics: {
          valAucWithout: r.without.valAuc,
          valAucWith: r.with.valAuc,
          testAucWithout: r.without.testAuc,
          testAucWith: r.with.testAuc,
        },
      })),
      ['valAucWithout', 'valAucWith', 'testAucWithout', 'testAucWith'],
    );
    const result = { dir: out, augment: opts.augment.name, rows, difference, verdict, summary };
    const title = t(lang, 'checkTitle', {
      dataset: opts.dataset,
      model: 'architecture' in opts.model ? opts.model.architecture : opts.model.pretrained,
      epochs: opts.epochs,
      seeds: rows.map((r) => r.seed).join(', '),
      name: opts.augment.name,
    });
    const report = [title, '', ...checkTable(result, lang), '', ...verdictLines(result, lang)];
    log('');
    for (const line of report) log(line);
    writeFileAtomic(path.join(folder.dir, 'augment-check.md'), `${report.join('\n')}\n`);
    const { dir: _target, ...facts } = result;
    writeFileAtomic(
      path.join(folder.dir, 'augment-check.json'),
      `${JSON.stringify({ dataset: opts.dataset, epochs: opts.epochs, ...facts }, null, 2)}\n`,
    );
    const dir = folder.commit();
    log(t(lang, 'checkWritten', { dir }));
    return { ...result, dir };
  } catch (e) {
    folder.abort();
    throw e;
  }
}

const f4 = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '–');
const signed = (v: number | null | undefined): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(4)}` : '–';

/** The per-seed table (Markdown) with the mean ± sd of each column. */
function checkTable(r: Omit<AugmentCheckResult, 'dir'>, lang: Lang): string[] {
  const rows = r.rows.map((row) => {
    const d = row.with.valAuc !== null && row.without.valAuc !== null ? row.with.valAuc - row.without.valAuc : null;
    return `| ${row.seed} | ${f4(row.without.valAuc)} | ${f4(row.with.valAuc)} | ${signed(d)} | ${f4(row.without.testAuc)} | ${f4(row.with.testAuc)} |`;
  });
  const m = Object.fromEntries(r.summary.metrics.map((s) => [s.metric, `${f4(s.mean)} ± ${f4(s.sd)}`]));
  const diff = `${signed(r.difference.meanDifference)} ± ${f4(r.difference.sdDifference)}`;
  const mean = `| ${t(lang, 'checkMean')} | ${m.valAucWithout} | ${m.valAucWith} | ${diff} | ${m.testAucWithout} | ${m.testAucWith} |`;
  return [t(lang, 'checkHeader'), '|---:|---:|---:|---:|---:|---:|', ...rows, mean];
}

/** Validation AUC at or above this in every run leaves no room to see a difference. */
const CEILING = 0.99;

function nearCeiling(rows: AugmentCheckRow[]): boolean {
  const values = rows.flatMap((r) => [r.without.valAuc, r.with.valAuc]);
  return values.length > 0 && values.every((v) => v !== null && v >= CEILING);
}

/** The verdict with its figures, then the rule it follows (and a note when validation AUC is at its ceiling). */
function verdictLines(r: Omit<AugmentCheckResult, 'dir'>, lang: Lang): string[] {
  const key = { helps: 'verdictHelps', hurts: 'verdictHurts', 'no clear difference': 'verdictNoDifference' } as const;
  const d = r.difference;
  return [
    t(lang, 'checkVerdict', {
      verdict: t(lang, key[r.verdict]),
      diff: signed(d.meanDifference),
      n: d.n,
      lo: signed(d.ci95?.[0]),
      hi: signed(d.ci95?.[1]),
      p: d.p === null ? '–' : d.p < 0.001 ? '< 0.001' : d.p.toFixed(3),
    }),
    t(lang, 'checkRule'),
    ...(nearCeiling(r.rows) ? [t(lang, 'checkCeiling', { min: CEILING })] : []),
  ];
}
