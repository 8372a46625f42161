/**
 * Your own images, listed: a folder of class folders (optionally under train/val/test folders) or a CSV manifest
 * (path,label[,split][,patient]), turned into one list of files with their labels, splits and patients. Nothing is
 * decoded here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import type { Split, Task } from './dataset-info.js';

/** One image of a data source. */
export interface SourceEntry {
  /** Absolute path. */
  file: string;
  /** Path relative to the source (the folder, or the CSV's folder), with forward slashes: its name in splits.csv. */
  rel: string;
  /** The class index (single-label), or one 0/1 per class (multi-label). */
  labels: number[];
  /** The split the data itself gives (a split folder or the CSV's split column), else null. */
  split: Split | null;
  /** The patient (the CSV's patient column; DICOM PatientID is read when the file is decoded), else null. */
  patient: string | null;
}

/** A scanned data source: its files and what the labels are. */
export interface ScannedSource {
  kind: 'folder' | 'csv';
  path: string;
  classes: string[];
  task: Task;
  entries: SourceEntry[];
  /** Files left out because their names are not of images (notes.txt, Thumbs.db), for a message. */
  ignored: string[];
}

/** File names taken as images: PNG, JPEG, DICOM (.dcm, .dicom, or no extension, recognised by its DICM preamble). */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.dcm', '.dicom', '']);
const SPLIT_NAMES: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** The split a folder name or a CSV cell means, or null. */
export function splitName(name: string): Split | null {
  return SPLIT_NAMES[name.trim().toLowerCase()] ?? null;
}

/** Natural order: digits compared as numbers (img2 before img10), then as text. */
export const naturalCompare = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

/** The task the labels make, unless `task` says otherwise (checked against the labels). */
export function inferTask(classes: string[], multiLabel: boolean, task: Task | undefined, where: string): Task {
  if (classes.length < 2)
    throw new MedcnnError(
      `${where} has a single class (${classes[0] ?? 'none'}); a classifier needs at least two. Add a folder (or label) for the other class.`,
      `${where} のクラスは 1 つだけです（${classes[0] ?? 'なし'}）。分類には 2 クラス以上が必要です。もう一方のクラスのフォルダ（またはラベル）を加えてください。`,
    );
  const inferred: Task = multiLabel
    ? 'multi-label, binary-class'
    : classes.length === 2
      ? 'binary-class'
      : 'multi-class';
  if (!task || task === inferred) return inferred;
  if (multiLabel)
    throw new MedcnnError(
      `${where} has images with several labels, so its task is multi-label; --task ${task} cannot hold them.`,
      `${where} には複数のラベルを持つ画像があるため、タスクはマルチラベルです。--task ${task} では扱えません。`,
    );
  if (task === 'binary-class' && classes.length !== 2)
    throw new MedcnnError(
      `--task binary-class needs exactly two classes; ${where} has ${classes.length} (${classes.join(', ')}).`,
      `--task binary-class には 2 クラスちょうどが必要ですが、${where} には ${classes.length} クラスあります（${classes.join(', ')}）。`,
    );
  return task;
}

/** Lists a data source: a folder, or a CSV manifest. */
export function scanSource(source: string, task?: Task): ScannedSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new MedcnnError(
      `--data ${source} does not exist. Pass a folder of class folders, a CSV manifest or an npz written by 'medcnn import'.`,
      `--data ${source} は存在しません。クラスごとのフォルダを含むフォルダ、CSV マニフェスト、または 'medcnn import' が書いた npz を指定してください。`,
    );
  }
  return stat.isDirectory() ? scanFolder(path.resolve(source), task) : scanCsv(path.resolve(source), task);
}

function subfolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(naturalCompare);
}

/** Every file below a folder, at any depth (hidden files and folders left out). */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(p));
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
  return out;
}

const toRel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/** DIR/<class>/… or DIR/{train,val,test}/<class>/…. */
function scanFolder(dir: string, task?: Task): ScannedSource {
  const top = subfolders(dir);
  const splitDirs = top.filter((d) => splitName(d));
  const bySplit = splitDirs.length > 0 && splitDirs.length === top.length;
  const groups: { split: Split | null; dir: string }[] = bySplit
    ? splitDirs.map((d) => ({ split: splitName(d), dir: path.join(dir, d) }))
    : [{ split: null, dir }];
  const classes = [...new Set(groups.flatMap((g) => subfolders(g.dir)))].sort(naturalCompare);
  if (classes.length === 0)
    throw new MedcnnError(
      `${dir} has no class folders. Put the images in one folder per class: ${dir}/<class>/image.png (optionally under train/, val/ and test/).`,
      `${dir} にクラスごとのフォルダがありません。画像をクラスごとのフォルダに入れてください: ${dir}/<クラス>/image.png（train/・val/・test/ の下でも可）。`,
    );
  const entries: SourceEntry[] = [];
  const ignored: string[] = [];
  for (const g of groups)
    for (const name of subfolders(g.dir)) {
      const files = filesBelow(path.join(g.dir, name));
      const images = files.filter((f) => IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase()));
      ignored.push(...files.filter((f) => !images.includes(f)).map((f) => toRel(dir, f)));
      if (images.length === 0)
        throw new MedcnnError(
          `The class folder ${path.join(g.dir, name)} holds no images (PNG, JPEG or DICOM). Add its images, or remove the folder.`,
          `クラスのフォルダ ${path.join(g.dir, name)} に画像（PNG・JPEG・DICOM）がありません。画像を入れるか、フォルダを削除してください。`,
        );
      const label = classes.indexOf(name);
      for (const file of images)
        entries.push({ file, rel: toRel(dir, file), labels: [label], split: g.split, patient: null });
    }
  return { kind: 'folder', path: dir, classes, task: inferTask(classes, false, task, dir), entries, ignored };
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((v) => v.trim() !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  row.push(cell);
  if (row.some((v) => v.trim() !== '')) rows.push(row);
  return rows;
}

const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'image_path'];
const PATIENT_COLUMNS = ['patient', 'patient_id', 'patientid'];

/** path,label[,split][,patient] — or path, then one 0/1 column per label — with paths relative to the CSV. */
function scanCsv(file: string, task?: Task): ScannedSource {
  const rows = parseCsv(fs.readFileSync(file, 'utf8'));
  const where = file;
  const bad = (en: string, ja: string): MedcnnError => new MedcnnError(`${where}: ${en}`, `${where}: ${ja}`);
  if (rows.length < 2)
    throw bad(
      'the manifest has no rows. Write a header (path,label[,split][,patient]) and one row per image.',
      'マニフェストに行がありません。ヘッダー（path,label[,split][,patient]）と画像ごとの行を書いてください。',
    );
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const pathCol = col(PATH_COLUMNS);
  const labelCol = col(['label', 'labels', 'class']);
  const splitCol = col(['split']);
  const patientCol = col(PATIENT_COLUMNS);
  if (pathCol < 0)
    throw bad(
      `its header (${rows[0].join(',')}) has no path column. The first line must name the columns: path,label[,split][,patient].`,
      `ヘッダー（${rows[0].join(',')}）に path 列がありません。1 行目は列名にしてください: path,label[,split][,patient]。`,
    );
  const labelCols = header
    .map((_, i) => i)
    .filter((i) => i !== pathCol && i !== splitCol && i !== patientCol && labelCol < 0);
  if (labelCol < 0 && labelCols.length < 2)
    throw bad(
      'it has no label column: add a label column, or one 0/1 column per label.',
      'label 列がありません。label 列か、ラベルごとの 0/1 の列を加えてください。',
    );
  const base = path.dirname(file);
  const raw: {
    file: string;
    rel: string;
    names: string[];
    onehot: number[] | null;
    split: Split | null;
    patient: string | null;
  }[] = [];
  const missing: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const line = r + 1;
    const rel = (cells[pathCol] ?? '').trim();
    if (!rel) throw bad(`row ${line} has no path.`, `${line} 行目に path がありません。`);
    const abs = path.resolve(base, rel);
    if (!fs.existsSync(abs)) missing.push(`row ${line}: ${rel}`);
    let split: Split | null = null;
    if (splitCol >= 0 && (cells[splitCol] ?? '').trim() !== '') {
      split = splitName(cells[splitCol]);
      if (!split)
        throw bad(
          `row ${line} has the split '${cells[splitCol]}'; use train, val or test (or leave it empty).`,
          `${line} 行目の split '${cells[splitCol]}' は使えません。train・val・test のいずれかにするか、空にしてください。`,
        );
    }
    const patient = patientCol >= 0 ? (cells[patientCol] ?? '').trim() || null : null;
    if (labelCol >= 0) {
      const names = (cells[labelCol] ?? '')
        .split('|')
        .map((v) => v.trim())
        .filter(Boolean);
      if (names.length === 0)
        throw bad(`row ${line} (${rel}) has no label.`, `${line} 行目（${rel}）にラベルがありません。`);
      raw.push({ file: abs, rel: toRel(base, abs), names, onehot: null, split, patient });
    } else {
      const onehot = labelCols.map((i) => (cells[i] ?? '').trim());
      const wrong = onehot.findIndex((v) => v !== '0' && v !== '1');
      if (wrong >= 0)
        throw bad(
          `row ${line} (${rel}) has '${onehot[wrong]}' in the label column ${rows[0][labelCols[wrong]]}; label columns hold 0 or 1.`,
          `${line} 行目（${rel}）のラベル列 ${rows[0][labelCols[wrong]]} の値 '${onehot[wrong]}' は使えません。ラベル列は 0 か 1 です。`,
        );
      raw.push({ file: abs, rel: toRel(base, abs), names: [], onehot: onehot.map(Number), split, patient });
    }
  }
  if (missing.length)
    throw bad(
      `${missing.length} row(s) name a file that does not exist (paths are relative to the CSV's folder): ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? '; …' : ''}.`,
      `${missing.length} 行が存在しないファイルを指しています（パスは CSV のフォルダからの相対パス）: ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? '; …' : ''}。`,
    );
  let classes: string[];
  let multiLabel: boolean;
  if (labelCol >= 0) {
    classes = [...new Set(raw.flatMap((r) => r.names))].sort(naturalCompare);
    multiLabel = raw.some((r) => r.names.length > 1) || task === 'multi-label, binary-class';
  } else {
    classes = labelCols.map((i) => rows[0][i].trim());
    multiLabel = true;
  }
  const resolvedTask = inferTask(classes, multiLabel, task, where);
  const entries = raw.map((r) => ({
    file: r.file,
    rel: r.rel,
    labels:
      r.onehot ?? (multiLabel ? classes.map((c) => (r.names.includes(c) ? 1 : 0)) : [classes.indexOf(r.names[0])]),
    split: r.split,
    patient: r.patient,
  }));
  return { kind: 'csv', path: file, classes, task: resolvedTask, entries, ignored: [] };
}
