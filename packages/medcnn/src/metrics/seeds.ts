/**
 * Several seeds of one recipe: how much of a result is the recipe and how much the luck of one seed.
 *
 * Conventions: the mean and the sample standard deviation (n − 1) over the seeds that have a value; the
 * 95% interval over seeds is Student's t interval for the mean, mean ± t(0.975, n − 1)·sd/√n. It says
 * where the recipe's mean over seeds lies (seed-to-seed variation only: each seed's own test-set sampling
 * error is in its bootstrap interval, not here). With one seed there is no sd and no interval (null). A
 * metric a seed has no value for (null, or a NaN from an older metrics.json) is left out of that metric's
 * statistics and counted in `missing`.
 */
import { MedcnnError } from '../errors.js';
import { studentTCdf, studentTQuantile } from './distributions.js';

/** One seed's metrics, by name (null where the metric has no value for that run). */
export interface SeedRun {
  seed: number;
  metrics: Readonly<Record<string, number | null | undefined>>;
}

/** One metric over the seeds. */
export interface SeedMetricSummary {
  metric: string;
  /** Per seed, in the order of `SeedSummary.seeds`; null where that seed has no value. */
  values: (number | null)[];
  /** Seeds with a value. */
  n: number;
  missing: number;
  mean: number | null;
  sd: number | null;
  /** Student's t 95% interval for the mean over seeds; null below 2 values. */
  ci95: [number, number] | null;
}

/** The summary of a multi-seed run. */
export interface SeedSummary {
  seeds: number[];
  /** How the interval is computed: Student's t over seeds. */
  interval: 't';
  metrics: SeedMetricSummary[];
}

/** Mean, sd and a t-based 95% interval over seeds for each named metric (see the file comment). */
export function summarizeSeeds(runs: readonly SeedRun[], metricNames: readonly string[]): SeedSummary {
  if (runs.length === 0)
    throw new MedcnnError('There are no runs to summarise over seeds.', 'シードごとにまとめる実行結果がありません。');
  const seeds = runs.map((r) => r.seed);
  if (new Set(seeds).size !== seeds.length)
    throw new MedcnnError(
      `Seeds ${seeds.join(', ')} repeat a seed: a summary over seeds counts each seed once.`,
      `シード ${seeds.join(', ')} に重複があります。シードごとの集計では各シードを 1 回だけ数えます。`,
    );
  const metrics = metricNames.map((metric): SeedMetricSummary => {
    const values = runs.map((r) => {
      const v = r.metrics[metric];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    const present = values.filter((v): v is number => v !== null);
    const n = present.length;
    const mean = n ? present.reduce((a, b) => a + b, 0) / n : null;
    let sd: number | null = null;
    let ci95: [number, number] | null = null;
    if (n >= 2 && mean !== null) {
      sd = Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
      const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
      ci95 = [mean - half, mean + half];
    }
    return { metric, values, n, missing: runs.length - n, mean, sd, ci95 };
  });
  return { seeds, interval: 't', metrics };
}

/** How one metric of a change compares with the same runs without it, over seeds. */
export interface PairedSeedDifference {
  /** Seeds with a value in both. */
  n: number;
  /** Mean over seeds of (with − without). */
  meanDifference: number | null;
  /** Sample sd of the per-seed differences. */
  sdDifference: number | null;
  /** Student's t 95% interval of the mean difference (paired over seeds); null below 2 seeds. */
  ci95: [number, number] | null;
  /** Two-sided paired t-test p-value; null below 2 seeds. */
  p: number | null;
  /** 'higher' or 'lower' only when the 95% interval excludes 0; else 'no clear difference'. */
  direction: 'higher' | 'lower' | 'no clear difference';
}

/**
 * Paired over seeds: each seed trains both arms from the same initialisation and data order, so the seed-to-seed
 * spread common to both cancels in the difference. The direction is called only when the t interval of the
 * mean difference excludes 0 (equivalently p < 0.05): with 3 seeds that needs differences that are consistent
 * and large against their own spread (t(0.975, 2) = 4.30).
 */
export function pairedSeedDifference(
  without: readonly (number | null)[],
  withChange: readonly (number | null)[],
): PairedSeedDifference {
  if (without.length !== withChange.length)
    throw new MedcnnError(
      `A paired comparison needs one value per seed in each arm, got ${without.length} and ${withChange.length}.`,
      `対応のある比較には各条件でシードごとに 1 つの値が必要です（${without.length} 個と ${withChange.length} 個）。`,
    );
  const d = without.flatMap((a, i) => {
    const b = withChange[i];
    return a !== null && b !== null && Number.isFinite(a) && Number.isFinite(b) ? [b - a] : [];
  });
  const n = d.length;
  if (n === 0)
    return { n, meanDifference: null, sdDifference: null, ci95: null, p: null, direction: 'no clear difference' };
  const mean = d.reduce((s, v) => s + v, 0) / n;
  if (n < 2)
    return { n, meanDifference: mean, sdDifference: null, ci95: null, p: null, direction: 'no clear difference' };
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const half = studentTQuantile(0.975, n - 1) * se;
  const ci95: [number, number] = [mean - half, mean + half];
  const p = se === 0 ? (mean === 0 ? 1 : 0) : 2 * (1 - studentTCdf(Math.abs(mean / se), n - 1));
  const excludesZero = ci95[0] > 0 || ci95[1] < 0;
  return {
    n,
    meanDifference: mean,
    sdDifference: sd,
    ci95,
    p,
    direction: excludesZero ? (mean > 0 ? 'higher' : 'lower') : 'no clear difference',
  };
}
