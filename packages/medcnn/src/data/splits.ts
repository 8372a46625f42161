/**
 * Train/val/test splits of your own images: made seeded, stratified by label and grouped by patient (no patient
 * in two splits), or taken from the data or from a splits.csv; and the checks for leakage between them.
 */
import fs from 'node:fs';
import { makeRng, shuffledIndices } from '../engine/seed.js';
import { MedcnnError } from '../errors.js';
import { SPLITS, type Split } from './dataset-info.js';
import { parseCsv, splitName } from './source.js';

/** Parts of the data for train, val and test, adding up to 1. */
export type SplitFractions = Record<Split, number>;
export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.7, val: 0.1, test: 0.2 };

/** Parses `--split 70/10/20` (or 0.7,0.1,0.2): parts for train, val and test. */
export function parseSplitFractions(text: string): SplitFractions {
  const parts = text.split(/[/,:]/).map((p) => Number(p.trim()));
  const total = parts.reduce((a, b) => a + b, 0);
  if (parts.length !== 3 || parts.some((p) => !(p >= 0) || !Number.isFinite(p)) || !(total > 0) || !(parts[0] > 0))
    throw new MedcnnError(
      `--split takes three parts for train, val and test, such as 70/10/20; got '${text}'.`,
      `--split には train・val・test の 3 つの割合を指定してください（例: 70/10/20。指定値: '${text}'）。`,
    );
  return { train: parts[0] / total, val: parts[1] / total, test: parts[2] / total };
}

/** What a split is made from: an image's label key (for stratifying) and its patient (for grouping). */
export interface SplitItem {
  /** The label the image is stratified by (its class, or its label set for multi-label). */
  stratum: string;
  /** Images of one group always go to the same split. */
  group: string;
}

/**
 * Assigns each item to a split: groups (patients) are shuffled with the seed within each stratum (a group's
 * stratum is its most common one) and dealt out, each to the split furthest below its share of that stratum.
 * The same items and seed always give the same splits. Only `into` splits are made (e.g. val from train).
 */
export function makeSplits(
  items: SplitItem[],
  fractions: SplitFractions,
  seed: number,
  into: readonly Split[] = SPLITS,
): Split[] {
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const members = groups.get(it.group);
    if (members) members.push(i);
    else groups.set(it.group, [i]);
  });
  const strata = new Map<string, { group: string; size: number }[]>();
  for (const [group, members] of groups) {
    const counts = new Map<string, number>();
    for (const i of members) counts.set(items[i].stratum, (counts.get(items[i].stratum) ?? 0) + 1);
    const stratum = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    const list = strata.get(stratum) ?? [];
    list.push({ group, size: members.length });
    strata.set(stratum, list);
  }
  const total = into.reduce((a, s) => a + fractions[s], 0);
  const share = (s: Split): number => fractions[s] / total;
  const out: Split[] = new Array(items.length);
  const rng = makeRng(seed ^ 0x5b117);
  for (const stratum of [...strata.keys()].sort()) {
    const list = strata.get(stratum)!;
    const size = list.reduce((a, g) => a + g.size, 0);
    const taken: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (const k of shuffledIndices(list.length, rng)) {
      const g = list[k];
      // The split furthest below its share (after this group), ties to the earlier split.
      let best = into[0];
      let bestGap = Number.NEGATIVE_INFINITY;
      for (const s of into) {
        const gap = share(s) * size - taken[s];
        if (gap > bestGap + 1e-9) {
          best = s;
          bestGap = gap;
        }
      }
      taken[best] += g.size;
      for (const i of groups.get(g.group)!) out[i] = best;
    }
  }
  return out;
}

/** One row of a run's splits.csv: which file went to which split, with its label and patient. */
export interface SplitRow {
  path: string;
  split: Split;
  label: string;
  patient: string;
}

const quote = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** splits.csv text: path,split,label,patient, one row per image, in split order. */
export function formatSplitsCsv(rows: SplitRow[]): string {
  const lines = [
    'path,split,label,patient',
    ...rows.map((r) => [r.path, r.split, r.label, r.patient].map(quote).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

/** Reads a splits.csv (a run's, or --splits FILE): path → split. */
export function parseSplitsCsv(text: string, file: string): Map<string, Split> {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const p = header.findIndex((h) => ['path', 'file', 'filename', 'image'].includes(h));
  const s = header.indexOf('split');
  if (p < 0 || s < 0)
    throw new MedcnnError(
      `${file} is not a splits file: its first line must name a path and a split column (as a run's splits.csv does).`,
      `${file} は分割ファイルではありません。1 行目に path 列と split 列の名前が必要です（実行フォルダの splits.csv と同じ形式）。`,
    );
  const out = new Map<string, Split>();
  for (let r = 1; r < rows.length; r++) {
    const split = splitName(rows[r][s] ?? '');
    if (!split)
      throw new MedcnnError(
        `${file}: row ${r + 1} has the split '${rows[r][s] ?? ''}'; use train, val or test.`,
        `${file}: ${r + 1} 行目の split '${rows[r][s] ?? ''}' は使えません。train・val・test のいずれかにしてください。`,
      );
    out.set((rows[r][p] ?? '').trim(), split);
  }
  return out;
}

/**
 * Images whose content is the same (the same pixels after preprocessing) but that are in different splits: a
 * model tested on what it trained on. Returns the pairs of paths, for a warning.
 */
export function leakedPairs(items: { rel: string; split: Split; hash: string }[]): [string, string][] {
  const first = new Map<string, { rel: string; split: Split }>();
  const out: [string, string][] = [];
  for (const it of items) {
    const seen = first.get(it.hash);
    if (!seen) first.set(it.hash, it);
    else if (seen.split !== it.split) out.push([`${seen.rel} (${seen.split})`, `${it.rel} (${it.split})`]);
  }
  return out;
}

/** Patients whose images are in more than one split (when the splits came from the data or a file). */
export function patientsInSeveralSplits(items: { patient: string | null; split: Split }[]): string[] {
  const seen = new Map<string, Set<Split>>();
  for (const it of items) {
    if (!it.patient) continue;
    const set = seen.get(it.patient) ?? new Set<Split>();
    set.add(it.split);
    seen.set(it.patient, set);
  }
  return [...seen].filter(([, s]) => s.size > 1).map(([p]) => p);
}

/** Reads `--splits FILE` (a run's splits.csv): path → split, with a clear error when it cannot be read. */
export function readSplitsFile(file: string): Map<string, Split> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new MedcnnError(
      `Cannot read --splits ${file}: ${why}. Pass a run's splits.csv (path,split,…).`,
      `--splits ${file} を読み込めません: ${why}。実行フォルダの splits.csv（path,split,…）を指定してください。`,
    );
  }
  return parseSplitsCsv(text, file);
}
