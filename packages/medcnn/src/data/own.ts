/**
 * Your own images as train/val/test splits in memory, as `--dataset` gives MedMNIST's: a folder or CSV manifest is
 * listed, decoded in parallel (or taken from the cache), checked for bad files, split (stratified, grouped by
 * patient, seeded — or as the data or a splits file says), checked for leakage, and ordered; an npz written by
 * `medcnn import` is read as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import { type Lang, t } from '../i18n/messages.js';
import { ProgressBar } from '../util/progress.js';
import { isMultiLabel, SPLITS, type Split, type Task } from './dataset-info.js';
import { jpegDecoderNote } from './decode.js';
import { DecodeCache, type FileStamp } from './decode-cache.js';
import { decodeFiles } from './decode-pool.js';
import { readSplits, type SplitData } from './load.js';
import type { DecodedRecord, Preprocessing } from './own-decode.js';
import { naturalCompare, type ScannedSource, type SourceEntry, scanSource } from './source.js';
import {
  DEFAULT_FRACTIONS,
  leakedPairs,
  makeSplits,
  patientsInSeveralSplits,
  type SplitFractions,
  type SplitRow,
} from './splits.js';

/** What to do with a file that cannot be used: stop and list them all, or leave them out and say so. */
export type OnBadFile = 'error' | 'skip';

export interface OwnDataOptions {
  /** A folder, a CSV manifest, or an npz written by `medcnn import`. */
  source: string;
  prep: Preprocessing;
  task?: Task;
  onBadFile: OnBadFile;
  fractions?: SplitFractions;
  seed: number;
  /** path → split, from --splits FILE or a run's splits.csv. */
  splits?: Map<string, Split>;
  /** Where the splits came from, for messages (e.g. "--splits FILE"). */
  splitsFrom?: string;
  progress?: boolean;
  log?: (line: string) => void;
  lang?: Lang;
}

/** Your own data, ready: the splits, the names, and what the run records. */
export interface OwnData {
  kind: 'folder' | 'csv' | 'npz';
  path: string;
  /** A short name for the data (the folder's or file's name), used where a MedMNIST flag would be. */
  name: string;
  classes: string[];
  task: Task;
  channels: 1 | 3;
  size: number;
  train: SplitData;
  val: SplitData;
  test: SplitData;
  /** One row per image used, in split order: what splits.csv records. */
  rows: SplitRow[];
  /** data: the folders or the CSV gave them; made: made here; file: --splits or a run's splits.csv. */
  splitOrigin: 'data' | 'made' | 'file';
  /** Files left out by --on-bad-file skip, with why. */
  skipped: string[];
}

/** A data source's short name: its folder or file name without extension. */
export function sourceName(source: string): string {
  return (
    path
      .basename(path.resolve(source))
      .replace(/\.(csv|npz)$/i, '')
      .replace(/[^\w.-]+/g, '_') || 'data'
  );
}

/** Loads your own data (see the module comment); every problem is one MedcnnError that says what to do. */
export async function loadOwnData(opts: OwnDataOptions): Promise<OwnData> {
  const log = opts.log ?? ((l: string) => console.log(l));
  if (/\.npz$/i.test(opts.source)) return loadImported(opts);
  const scanned = scanSource(opts.source, opts.task);
  const lang = opts.lang ?? 'en';
  if (scanned.ignored.length)
    log(
      t(lang, 'dataIgnored', {
        n: scanned.ignored.length,
        files: `${scanned.ignored.slice(0, 3).join(', ')}${scanned.ignored.length > 3 ? ', …' : ''}`,
      }),
    );
  const pack = await decodeWithCache(scanned, opts.prep, opts.progress !== false, lang, log);
  let built: LaidOut;
  try {
    built = fromRecords(scanned, pack.stamps, pack.records, opts, lang, log);
  } catch (e) {
    // A bad file or an empty split: what was decoded is kept, so that fixing the data does not decode it all again.
    if (pack.fresh) pack.cache.save(opts.prep, pack.stamps, pack.records);
    throw e;
  }
  // Written again, its images in the split arrays' order, when anything was decoded now or the order changed: the
  // next read then takes those arrays as views of the pack, without a copy (splitsInPlace).
  if (pack.fresh || !built.packInOrder) pack.cache.save(opts.prep, built.files, built.records);
  return built.data;
}

/** The splits, and every file's record in the order the split arrays hold them (then the files left out). */
interface LaidOut {
  data: OwnData;
  files: FileStamp[];
  records: DecodedRecord[];
  /** Whether the records came from the pack already in this order (nothing moved). */
  packInOrder: boolean;
}

/** The splits of a listed source from its files' records (`stamps` and `records` in the order of its entries). */
function fromRecords(
  scanned: ScannedSource,
  stamps: FileStamp[],
  records: DecodedRecord[],
  opts: OwnDataOptions,
  lang: Lang,
  log: (line: string) => void,
): LaidOut {
  // Bad files: all of them named at once, or left out.
  const bad = scanned.entries.flatMap((e, i) => {
    const r = records[i];
    return r.ok ? [] : [{ rel: e.rel, why: r.problem }];
  });
  if (bad.length && opts.onBadFile === 'error') {
    const list = (lang: Lang): string =>
      bad
        .slice(0, 20)
        .map((b) => `${b.rel}: ${b.why[lang]}`)
        .join('; ') + (bad.length > 20 ? '; …' : '');
    throw new MedcnnError(
      `${bad.length} of ${scanned.entries.length} image(s) in ${scanned.path} cannot be used: ${list('en')}. Replace or remove them, or pass --on-bad-file skip to leave them out.`,
      `${scanned.path} の画像 ${scanned.entries.length} 枚のうち ${bad.length} 枚が使えません: ${list('ja')}。差し替えるか削除するか、--on-bad-file skip で除外してください。`,
    );
  }
  const skipped = bad.map((b) => `${b.rel}: ${b.why.en}`);
  if (skipped.length) {
    const shown = bad.slice(0, 5).map((b) => `${b.rel}: ${b.why[lang]}`);
    log(t(lang, 'dataSkipped', { n: bad.length, files: `${shown.join('; ')}${bad.length > 5 ? '; …' : ''}` }));
  }
  const kept: { entry: SourceEntry; rec: Extract<DecodedRecord, { ok: true }>; index: number }[] = [];
  scanned.entries.forEach((entry, i) => {
    const rec = records[i];
    if (rec.ok) kept.push({ entry: { ...entry, patient: entry.patient ?? rec.patient }, rec, index: i });
  });
  const { splits, origin } = assignSplits(
    scanned,
    kept.map((k) => k.entry),
    opts,
  );
  const multiLabel = isMultiLabel(scanned.task);
  // Leakage: the same pixels in two splits; a patient in two splits given by the data.
  const leaks = leakedPairs(kept.map((k, i) => ({ rel: k.entry.rel, split: splits[i], hash: k.rec.hash })));
  if (leaks.length)
    log(
      t(lang, 'dataLeakage', {
        n: leaks.length,
        pairs: `${leaks
          .slice(0, 5)
          .map(([a, b]) => `${a} = ${b}`)
          .join('; ')}${leaks.length > 5 ? '; …' : ''}`,
      }),
    );
  if (origin !== 'made') {
    const patients = patientsInSeveralSplits(kept.map((k, i) => ({ patient: k.entry.patient, split: splits[i] })));
    if (patients.length)
      log(
        t(lang, 'dataPatientLeakage', {
          n: patients.length,
          patients: `${patients.slice(0, 5).join(', ')}${patients.length > 5 ? ', …' : ''}`,
        }),
      );
  }
  const channels: 1 | 3 = kept.every((k) => k.rec.channels === 1) ? 1 : 3;
  const order = kept
    .map((_, i) => i)
    .sort(
      (a, b) =>
        naturalCompare(path.basename(kept[a].entry.rel), path.basename(kept[b].entry.rel)) ||
        naturalCompare(kept[a].entry.rel, kept[b].entry.rel),
    );
  const size = opts.prep.size;
  const labelWidth = multiLabel ? scanned.classes.length : 1;
  const rows: SplitRow[] = [];
  const px = size * size * channels;
  const groups = SPLITS.map((split) => order.filter((i) => splits[i] === split));
  const inPlace = groups.every((g) => g.length > 0) ? splitsInPlace(kept, channels, px, groups) : null;
  const data = SPLITS.map((split, s): SplitData => {
    const members = groups[s];
    if (members.length === 0)
      throw new MedcnnError(
        `The ${split} split of ${scanned.path} has no images (${kept.length} usable in all). Add images, or change the parts with --split (e.g. 70/10/20).`,
        `${scanned.path} の ${split} 分割に画像がありません（使える画像は全部で ${kept.length} 枚）。画像を加えるか、--split で割合を変えてください（例: 70/10/20）。`,
      );
    const images = inPlace?.views[s] ?? new Uint8Array(members.length * px);
    const labels = new Uint8Array(members.length * labelWidth);
    members.forEach((i, n) => {
      const { entry, rec } = kept[i];
      if (inPlace) {
        // already in place
      } else if (rec.channels === channels) images.set(rec.pixels, n * px);
      else for (let p = 0; p < size * size; p++) images.fill(rec.pixels[p], n * px + p * 3, n * px + p * 3 + 3);
      labels.set(entry.labels, n * labelWidth);
      rows.push({
        path: entry.rel,
        split,
        label: multiLabel
          ? scanned.classes.filter((_, k) => entry.labels[k] === 1).join('|')
          : scanned.classes[entry.labels[0]],
        patient: entry.patient ?? '',
      });
    });
    return { split, count: members.length, height: size, width: size, channels, images, labelWidth, labels };
  });
  // Every record as the split arrays now hold it (gray images made RGB where others are), then the bad files'.
  const files: FileStamp[] = [];
  const laidOut: DecodedRecord[] = [];
  groups.forEach((members, s) =>
    members.forEach((i, n) => {
      files.push(stamps[kept[i].index]);
      laidOut.push({ ...kept[i].rec, channels, pixels: data[s].images.subarray(n * px, (n + 1) * px) });
    }),
  );
  records.forEach((r, i) => {
    if (!r.ok) {
      files.push(stamps[i]);
      laidOut.push(r);
    }
  });
  const result: OwnData = {
    kind: scanned.kind,
    path: scanned.path,
    name: sourceName(scanned.path),
    classes: scanned.classes,
    task: scanned.task,
    channels,
    size,
    train: data[0],
    val: data[1],
    test: data[2],
    rows,
    splitOrigin: origin,
    skipped,
  };
  return { data: result, files, records: laidOut, packInOrder: inPlace !== null && !inPlace.moved };
}

/** Every file's record: from the cache when the file is unchanged, else decoded (in parallel). */
async function decodeWithCache(
  scanned: ScannedSource,
  prep: Preprocessing,
  progress: boolean,
  lang: Lang,
  log: (line: string) => void,
): Promise<{ stamps: FileStamp[]; records: DecodedRecord[]; cache: DecodeCache; fresh: boolean }> {
  const stamps: FileStamp[] = scanned.entries.map((e) => {
    const st = fs.statSync(e.file);
    return { rel: e.rel, size: st.size, mtimeMs: st.mtimeMs };
  });
  const cache = DecodeCache.open(scanned.path, prep);
  const records: (DecodedRecord | undefined)[] = stamps.map((s) => cache.get(s));
  const todo = records.flatMap((r, i) => (r ? [] : [i]));
  if (todo.length) {
    const note = jpegDecoderNote();
    if (note && todo.some((i) => /\.jpe?g$/i.test(scanned.entries[i].file))) log(note[lang]);
    const bar = progress ? new ProgressBar(todo.length, t(lang, 'decoding')) : null;
    const decoded = await decodeFiles(
      todo.map((i) => scanned.entries[i].file),
      prep,
      (done) => bar?.update(done, t(lang, 'decodingCount', { done, total: todo.length })),
    );
    bar?.finish(t(lang, 'decoded', { n: todo.length }));
    todo.forEach((i, k) => {
      records[i] = decoded[k];
    });
  }
  // Saved by the caller, once it knows the order the images go in.
  return { stamps, records: records as DecodedRecord[], cache, fresh: todo.length > 0 };
}

/**
 * The splits' image arrays made without copying, when every image came from the decode cache: their pixels are then
 * blocks of the one buffer the pack was mapped into (in any order), which are moved in place so that each split's
 * images are contiguous, and viewed. A pack written in the split arrays' order (loadOwnData) needs no move at all.
 * Copying them into fresh arrays touched 50 MB of new memory for 1,000 images at 224 px, which on this project's VM
 * took longer than reading the pack. Null when the pixels are not laid out so.
 */
function splitsInPlace(
  kept: { rec: Extract<DecodedRecord, { ok: true }> }[],
  channels: 1 | 3,
  px: number,
  groups: number[][],
): { views: Uint8Array[]; moved: boolean } | null {
  const n = kept.length;
  if (n === 0 || groups.flat().length !== n) return null;
  const { buffer } = kept[0].rec.pixels;
  let base = Infinity;
  for (const { rec } of kept) {
    if (rec.channels !== channels || rec.pixels.buffer !== buffer || rec.pixels.length !== px) return null;
    base = Math.min(base, rec.pixels.byteOffset);
  }
  // Each image's slot (block of px bytes from base); the slots must be 0 … n-1, each once.
  const slot = new Int32Array(n);
  const taken = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const at = (kept[k].rec.pixels.byteOffset - base) / px;
    if (!Number.isInteger(at) || at >= n || taken[at]) return null;
    slot[k] = at;
    taken[at] = 1;
  }
  const all = new Uint8Array(buffer, base, n * px);
  const want = groups.flat().map((k) => slot[k]); // position j is to hold the block now at position want[j]
  // Follow each cycle of the permutation, holding one image aside (images already in place stay).
  const done = new Uint8Array(n);
  const aside = new Uint8Array(px);
  let moved = false;
  for (let start = 0; start < n; start++) {
    if (done[start] || want[start] === start) continue;
    moved = true;
    aside.set(all.subarray(start * px, (start + 1) * px));
    let j = start;
    while (want[j] !== start) {
      all.copyWithin(j * px, want[j] * px, (want[j] + 1) * px);
      done[j] = 1;
      j = want[j];
    }
    all.set(aside, j * px);
    done[j] = 1;
  }
  let at = 0;
  const views = groups.map((g) => {
    const view = all.subarray(at * px, (at + g.length) * px);
    at += g.length;
    return view;
  });
  return { views, moved };
}

/** Each image's split: from a splits file, from the data (missing val or test made from train), or made here. */
function assignSplits(
  scanned: ScannedSource,
  entries: SourceEntry[],
  opts: OwnDataOptions,
): { splits: Split[]; origin: OwnData['splitOrigin'] } {
  if (opts.splits) {
    const from = opts.splitsFrom ?? 'the splits file';
    const missing = entries.filter((e) => !opts.splits!.has(e.rel)).map((e) => e.rel);
    if (missing.length)
      throw new MedcnnError(
        `${missing.length} image(s) of ${scanned.path} are not in ${from}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}. Use the splits file of this very data, or let medcnn make new splits (leave out --splits).`,
        `${scanned.path} の画像 ${missing.length} 枚が ${from} にありません: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}。このデータの分割ファイルを使うか、--splits を外して新しく分割させてください。`,
      );
    return { splits: entries.map((e) => opts.splits!.get(e.rel)!), origin: 'file' };
  }
  const fractions = opts.fractions ?? DEFAULT_FRACTIONS;
  const multiLabel = isMultiLabel(scanned.task);
  const item = (e: SourceEntry) => ({
    stratum: multiLabel ? e.labels.join('') : String(e.labels[0]),
    group: e.patient ? `patient:${e.patient}` : `file:${e.rel}`,
  });
  const given = entries.map((e) => e.split);
  if (given.every((s) => s === null))
    return { splits: makeSplits(entries.map(item), fractions, opts.seed), origin: 'made' };
  if (given.some((s) => s === null))
    throw new MedcnnError(
      `${scanned.path} gives a split for some images but not for others; give one for every image, or for none (medcnn then makes them).`,
      `${scanned.path} では一部の画像だけに分割が指定されています。すべての画像に指定するか、どれにも指定しないでください（その場合は medcnn が分割します）。`,
    );
  const splits = given as Split[];
  const present = new Set(splits);
  const absent = SPLITS.filter((s) => !present.has(s));
  if (absent.length === 0) return { splits, origin: 'data' };
  if (!present.has('train'))
    throw new MedcnnError(
      `${scanned.path} has no training images (no train split); add a train folder (or train rows).`,
      `${scanned.path} に学習用の画像（train 分割）がありません。train フォルダ（または train の行）を加えてください。`,
    );
  // The missing splits are made from train, in their proportion to it.
  const fromTrain = entries.flatMap((_, i) => (splits[i] === 'train' ? [i] : []));
  const made = makeSplits(
    fromTrain.map((i) => item(entries[i])),
    fractions,
    opts.seed,
    ['train', ...absent],
  );
  fromTrain.forEach((i, k) => {
    splits[i] = made[k];
  });
  const lang = opts.lang ?? 'en';
  (opts.log ?? console.log)(
    t(lang, 'dataSplitsMade', {
      splits: absent.join(lang === 'ja' ? ' と ' : ' and '),
      parts: absent.map((s) => `${Math.round(fractions[s] * 100)}%`).join(', '),
      seed: opts.seed,
    }),
  );
  return { splits, origin: 'data' };
}

/** The JSON sidecar `medcnn import` writes beside its npz. */
export interface ImportSidecar {
  format: 'medcnn-import';
  version: 1;
  source: string;
  classes: string[];
  task: Task;
  size: number;
  channels: 1 | 3;
  preprocessing: Preprocessing;
  /** Per split, the source file of each row, in order. */
  files: Record<Split, string[]>;
  patients: Record<Split, string[]>;
  splitOrigin: OwnData['splitOrigin'];
  skipped: string[];
}

/** The sidecar's path beside an npz: FILE.npz → FILE.json. */
export const sidecarPath = (npz: string): string => npz.replace(/\.npz$/i, '.json');

/** An npz written by `medcnn import` (or any MedMNIST-format npz), with its sidecar's names when there is one. */
function loadImported(opts: OwnDataOptions): OwnData {
  const file = path.resolve(opts.source);
  if (!fs.existsSync(file))
    throw new MedcnnError(
      `--data ${opts.source} does not exist. Write it with 'medcnn import PATH --size N --out ${opts.source}'.`,
      `--data ${opts.source} は存在しません。'medcnn import PATH --size N --out ${opts.source}' で作成してください。`,
    );
  const [train, val, test] = readSplits(file, ['train', 'val', 'test']);
  let side: ImportSidecar | null = null;
  try {
    side = JSON.parse(fs.readFileSync(sidecarPath(file), 'utf8')) as ImportSidecar;
  } catch {
    side = null;
  }
  const labelWidth = train.labelWidth;
  let max = 0;
  for (const s of [train, val, test]) for (const v of s.labels) max = Math.max(max, v);
  const classes = side?.classes ?? Array.from({ length: labelWidth > 1 ? labelWidth : max + 1 }, (_, k) => String(k));
  const task: Task =
    opts.task ??
    side?.task ??
    (labelWidth > 1 ? 'multi-label, binary-class' : classes.length === 2 ? 'binary-class' : 'multi-class');
  if (train.height !== train.width || train.height !== opts.prep.size)
    throw new MedcnnError(
      `${file} holds ${train.width}×${train.height} images, not ${opts.prep.size}×${opts.prep.size}; pass --size ${train.height} (or import the images again at --size ${opts.prep.size}).`,
      `${file} の画像は ${train.width}×${train.height} で、${opts.prep.size}×${opts.prep.size} ではありません。--size ${train.height} を指定してください（または --size ${opts.prep.size} で取り込み直してください）。`,
    );
  const rows: SplitRow[] = [];
  for (const s of [train, val, test])
    for (let i = 0; i < s.count; i++) {
      const lab = Array.from(s.labels.subarray(i * labelWidth, (i + 1) * labelWidth));
      rows.push({
        path: side?.files[s.split]?.[i] ?? `${s.split}_images[${i}]`,
        split: s.split,
        label: labelWidth > 1 ? classes.filter((_, k) => lab[k] === 1).join('|') : (classes[lab[0]] ?? String(lab[0])),
        patient: side?.patients?.[s.split]?.[i] ?? '',
      });
    }
  return {
    kind: 'npz',
    path: file,
    name: sourceName(file),
    classes,
    task,
    channels: train.channels as 1 | 3,
    size: train.height,
    train,
    val,
    test,
    rows,
    splitOrigin: 'data',
    skipped: side?.skipped ?? [],
  };
}
