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
import { studentTQuantile } from './distributions.js';

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
