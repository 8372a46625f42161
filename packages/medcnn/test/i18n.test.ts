import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { getDatasetInfo } from '../src/data/registry.js';
import { initEngine } from '../src/engine/backend.js';
import { createModel } from '../src/models/index.js';
import { saveModel } from '../src/models/io.js';
import { writeConfigFile } from '../src/runfolder/files.js';
import { pneumonia, pneumoniaRunConfig, smallPneumoniaRoot, tempDir, writeXrayPng } from './helpers.js';

// --lang ja through the real command: errors (the clinical reason of a refused augmentation first of all),
// `info` and `evaluate` speak Japanese; and every MedcnnError in the sources carries a Japanese text.

const CLI = path.resolve(import.meta.dirname, '../src/cli/main.js');
const SRC = path.resolve(import.meta.dirname, '../../src');

function medcnn(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCNN_BACKEND: 'wasm' },
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A user error in Japanese: exit 1, one 'medcnn:' message matching `pattern`, no stack trace. */
function assertJapaneseError(r: ReturnType<typeof medcnn>, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit code; stdout: ${r.out} stderr: ${r.err}`);
  assert.match(r.err, /^medcnn: /m);
  assert.match(r.err, pattern);
  assert.match(r.err, /[\u3040-\u30ff\u4e00-\u9fff]/, `Japanese text in: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

let root = '';
let work = '';

before(() => {
  root = smallPneumoniaRoot(256, 64, 64);
  work = tempDir();
});

test('--lang ja: a refused chest X-ray hflip gives the clinical reason (dextrocardia) in Japanese', () => {
  const r = medcnn(['train', '--dataset', 'pneumoniamnist', '--augment', 'hflip', '--root', root, '--lang', 'ja']);
  assertJapaneseError(r, /hflip は胸部X線には使えません/);
  assert.match(r.err, /右胸心/);
  assert.match(r.err, /--allow-unsafe-augment/);
  assert.doesNotMatch(r.err, /dextrocardia|refused/);
  // The same reason, over the allowed limit and through a preset named explicitly.
  const over = medcnn(['augment-preview', '--dataset', 'pneumoniamnist', '--augment', 'rotate:45', '--lang', 'ja']);
  assertJapaneseError(over, /rotate:45 は胸部X線で許される上限 15 を超えています/);
  // Let through with --allow-unsafe-augment: the warning is Japanese too.
  const out = path.join(work, 'preview.png');
  const allowed = medcnn([
    'augment-preview',
    '--dataset',
    'pneumoniamnist',
    '--augment',
    'hflip',
    '--allow-unsafe-augment',
    '--n',
    '2',
    '--versions',
    '1',
    '--root',
    root,
    '--out',
    out,
    '--lang',
    'ja',
  ]);
  assert.equal(allowed.code, 0, allowed.err);
  assert.match(allowed.err, /medcnn: 警告: hflip は胸部X線には使えません：.*右胸心/);
  assert.ok(fs.existsSync(out));
});

test('--lang ja: an unknown dataset, an unknown model and a bad number are refused in Japanese', () => {
  assertJapaneseError(
    medcnn(['train', '--dataset', 'lungmnist', '--lang', 'ja']),
    /データセット 'lungmnist' はありません。使えるデータセット: .*pneumoniamnist/,
  );
  assertJapaneseError(
    medcnn(['train', '--model', 'resnet9000', '--root', root, '--lang', 'ja']),
    /モデル 'resnet9000' はありません。使えるモデル: .*simplecnn/,
  );
  assertJapaneseError(
    medcnn(['train', '--epochs', 'five', '--lang', 'ja']),
    /--epochs は整数で指定してください（指定値: 'five'）/,
  );
  // --lang given before the failing flag, and in capitals, counts as well.
  assertJapaneseError(medcnn(['train', '--lang', 'JA', '--lr', '-1']), /--lr は 0 より大きくしてください/);
  // Without --lang the same error stays English.
  const en = medcnn(['train', '--epochs', 'five']);
  assert.equal(en.code, 1);
  assert.match(en.err, /^medcnn: --epochs must be a whole number, got 'five'\./m);
});

test('--lang ja: an existing folder that is not a run is refused as --out in Japanese, and left alone', () => {
  const notRun = path.join(work, 'photos');
  fs.mkdirSync(notRun);
  fs.writeFileSync(path.join(notRun, 'holiday.jpg'), 'not a run');
  const r = medcnn(['train', '--epochs', '1', '--root', root, '--out', notRun, '--lang', 'ja']);
  assertJapaneseError(r, /photos は既にあり、medcnn の実行結果のフォルダではありません/);
  assert.match(r.err, /--out で新しいフォルダを指定してください/);
  assert.deepEqual(fs.readdirSync(notRun), ['holiday.jpg']);
});

test('info --lang ja: the table header and a data set with its description are Japanese', () => {
  const list = medcnn(['info', '--root', root, '--lang', 'ja']);
  assert.equal(list.code, 0, list.err);
  const [header, ...rows] = list.out.trim().split('\n');
  assert.match(header, /^フラグ\s+タスク\s+モダリティ\s+ch\s+クラス数\s+学習\/検証\/テスト\s+手元にあるサイズ/);
  assert.equal(rows.length, 12);
  assert.match(
    rows.find((l) => l.startsWith('pneumoniamnist'))!,
    /binary-class\s+chest-xray\s+1\s+2\s+4708\/524\/624\s+28$/,
  );
  // Columns line up in a terminal: the header's CJK characters take two columns each.
  const width = (s: string) => [...s].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
  const taskColumn = rows[0].indexOf(rows[0].split(/\s+/)[1]);
  assert.equal(width(header.slice(0, header.indexOf('タスク'))), taskColumn);

  const one = medcnn(['info', 'pneumoniamnist', '--root', root, '--lang', 'ja']);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /小児の胸部X線画像 5,856 枚/);
  assert.match(one.out, /タスク: binary-class · モダリティ: chest-xray · チャネル数: 1 · ライセンス: CC BY 4\.0/);
  assert.match(one.out, /画像数: 学習 4708 · 検証 524 · テスト 624/);
  assert.match(one.out, /1: 肺炎 \(pneumonia\)/);
  assert.match(one.out, /pneumoniamnist\.npz\s+md5 \w+ \[あり\]/);
  assert.doesNotMatch(one.out, /pediatric|samples:|task:/);
  const en = medcnn(['info', 'pneumoniamnist', '--root', root]);
  assert.match(en.out, /5,856 pediatric chest X-Ray images/);
});

test('evaluate --lang ja: every line is Japanese', () => {
  const run = path.join(work, 'run');
  const trained = medcnn([
    'train',
    '--epochs',
    '1',
    '--batch-size',
    '64',
    '--root',
    root,
    '--out',
    run,
    '--no-progress',
  ]);
  assert.equal(trained.code, 0, trained.err);
  const r = medcnn(['evaluate', run, '--split', 'test', '--root', root, '--lang', 'ja']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.match(lines.join('\n'), /^test: 正解率 ACC [\d.]+ · AUC [\d.]+; 予測は /m);
  assert.match(lines.join('\n'), /^ {2}正解率 ACC 95%CI [\d.]+–[\d.]+ · AUC 95%CI [\d.]+–[\d.]+$/m);
  assert.match(lines.join('\n'), /^ {2}感度 /m);
  assert.match(
    lines.join('\n'),
    /^ {2}混同行列 \[\[真陰性 TN, 偽陽性 FP\], \[偽陰性 FN, 真陽性 TP\]\] = \[\[\d+,\d+\],\[\d+,\d+\]\]$/m,
  );
  for (const line of lines) assert.match(line, /[\u3040-\u30ff\u4e00-\u9fff]/, `not Japanese: ${line}`);
  assert.doesNotMatch(r.out, /confusion|sensitivity/);
});

test('--lang ja: a truncated X-ray given to predict, and a corrupt data file found by download, in Japanese', async () => {
  // A run with an untrained model (predict refuses the image before the model matters) and a PNG cut in half.
  await initEngine({ backend: 'wasm' });
  const run = path.join(work, 'untrained-run');
  fs.mkdirSync(run);
  const _info = getDatasetInfo('pneumoniamnist');
  const model = createModel('simplecnn', { inputShape: [28, 28, 1], numClasses: 2 });
  await saveModel(model, path.join(run, 'model'));
  model.dispose();
  writeConfigFile(run, pneumoniaRunConfig());
  const canvas = createCanvas(224, 224);
  const g = canvas.getContext('2d');
  const gradient = g.createRadialGradient(112, 112, 10, 112, 112, 150);
  gradient.addColorStop(0, '#eee');
  gradient.addColorStop(1, '#111');
  g.fillStyle = gradient;
  g.fillRect(0, 0, 224, 224);
  const png = canvas.toBuffer('image/png');
  const truncated = path.join(work, 'truncated.png');
  fs.writeFileSync(truncated, png.subarray(0, png.length >> 1));

  const r = medcnn(['predict', run, truncated, '--lang', 'ja']);
  assertJapaneseError(
    r,
    /truncated\.png は使えません: IDAT チャンクが最後までありません。ファイルが途中で切れています。/,
  );
  assert.match(r.err, /破損のない完全な画像を使ってください/);
  assert.doesNotMatch(r.err, /cannot be used|truncated;|chunk/);
  // The same refusal in English without --lang.
  const en = medcnn(['predict', run, truncated]);
  assert.equal(en.code, 1);
  assert.match(en.err, /truncated\.png cannot be used: its IDAT chunk is cut short; the file is truncated\./);

  const root = tempDir();
  const dest = path.join(root, 'pneumoniamnist.npz');
  fs.writeFileSync(dest, 'half a download');
  const d = medcnn(['download', 'pneumoniamnist', '--root', root, '--lang', 'ja']);
  assertJapaneseError(
    d,
    /pneumoniamnist\.npz はありますが壊れています: MD5 が [0-9a-f]{32} で、期待値 [0-9a-f]{32} と一致しません/,
  );
  assert.match(
    d.err,
    /`medcnn download pneumoniamnist --size 28 --force` でダウンロードし直すか、このファイルを削除してください。/,
  );
  assert.doesNotMatch(d.err, /corrupt|expected/);
  assert.equal(fs.readFileSync(dest, 'utf8'), 'half a download', 'the file is left as it was');
});

// ---- every MedcnnError carries a Japanese text ----

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The arguments of the call whose '(' is at `open`, as source texts. A small scanner, enough for our sources:
 * it skips strings, template literals (with `${…}` inside), comments and regular expressions, and splits at
 * commas outside any bracket.
 */
export function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  const closers: string[] = []; // ')' ']' '}' for brackets, '`' for a `${` inside a template
  let start = open + 1;
  let prev = '(';
  let i = open + 1;
  closers.push(')');
  const skipTemplate = (): void => {
    // i is just after a backtick (or a template's closing brace): run to the closing backtick or a `${`.
    for (; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '`') return void i++;
      else if (text[i] === '$' && text[i + 1] === '{') {
        closers.push('`');
        i += 2;
        return;
      }
    }
  };
  while (i < text.length && closers.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      i++;
      prev = 'x';
    } else if (c === '`') {
      i++;
      skipTemplate();
      prev = 'x';
    } else if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i) + 2;
    } else if (c === '/' && /[(,=:[!&|?{};]/.test(prev)) {
      for (i++; i < text.length && text[i] !== '/'; i++) if (text[i] === '\\') i++;
      i++;
      prev = 'x';
    } else if (c === '(' || c === '[' || c === '{') {
      closers.push(c === '(' ? ')' : c === '[' ? ']' : '}');
      prev = c;
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      const closer = closers.pop();
      i++;
      if (closer === '`') skipTemplate();
      else if (closers.length === 0) args.push(text.slice(start, i - 1));
      prev = 'x';
    } else if (c === ',' && closers.length === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
      prev = c;
      i++;
    } else {
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return args.map((a) => a.trim()).filter((a) => a !== '');
}

/** `file:line` of every `new MedcnnError(…)` in src with fewer than two arguments (no Japanese text). */
function errorsWithoutJapanese(): string[] {
  const missing: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bnew\s+MedcnnError\s*\(/g)) {
      const args = callArguments(text, m.index + m[0].length - 1);
      if (args.length < 2) missing.push(`${rel}:${text.slice(0, m.index).split('\n').length}`);
    }
  }
  return missing;
}

test('every MedcnnError in src has a Japanese text', () => {
  assert.ok(fs.existsSync(SRC), `sources not found at ${SRC}`);
  const files = sourceFiles(SRC);
  // The scan reaches every folder, the files the reliability work rewrote included.
  for (const f of ['data/image-file.ts', 'metrics/clinical.ts', 'serve/server.ts', 'models/io.ts'])
    assert.ok(files.includes(path.join(SRC, f)), `${f} is scanned`);
  assert.deepEqual(errorsWithoutJapanese(), [], 'new MedcnnError(english, japanese): these have no Japanese text');
});

test('the Japanese-text scan reads arguments correctly and catches an English-only error', () => {
  // Source snippets write a template's `${` as `#{`, so that they can be plain strings here.
  const src = (s: string) => s.replaceAll('#{', '$' + '{');
  const args = (s: string) => callArguments(src(s), src(s).indexOf('('));
  assert.deepEqual(args("new MedcnnError('a, b')"), ["'a, b'"]);
  assert.deepEqual(args('new MedcnnError(`x #{f(a, `y#{b}`)} z`, `ja #{c}`)'), [
    src('`x #{f(a, `y#{b}`)} z`'),
    src('`ja #{c}`'),
  ]);
  assert.deepEqual(args("new MedcnnError(s.replace(/[,(]/g, ''), // no, this (\n 'ja',\n)"), [
    "s.replace(/[,(]/g, '')",
    "// no, this (\n 'ja'",
  ]);
  assert.equal(args('new MedcnnError(\n  `only #{english}`,\n)').length, 1);
  const probe = path.join(SRC, 'data', '__i18n-probe.ts');
  fs.writeFileSync(probe, "import { MedcnnError } from '../errors.js';\nthrow new MedcnnError(`English only`);\n");
  try {
    assert.deepEqual(errorsWithoutJapanese(), ['data/__i18n-probe.ts:2']);
  } finally {
    fs.rmSync(probe);
  }
});

test('import --lang ja: the data lines (a file left out, leakage, the summary) are Japanese', () => {
  const [train] = pneumonia();
  const dir = path.join(work, 'own-ja');
  let row = 0;
  for (const split of ['train', 'val', 'test'])
    for (const c of ['normal', 'pneumonia']) {
      fs.mkdirSync(path.join(dir, split, c), { recursive: true });
      for (let k = 0; k < 3; k++) writeXrayPng(path.join(dir, split, c, `${row}.png`), train, row++);
    }
  // The same X-ray in train and in test (leakage), and a truncated file left out by --on-bad-file skip.
  fs.copyFileSync(path.join(dir, 'train', 'normal', '0.png'), path.join(dir, 'test', 'normal', 'copy.png'));
  const whole = fs.readFileSync(path.join(dir, 'val', 'normal', '6.png'));
  fs.writeFileSync(path.join(dir, 'val', 'normal', 'cut.png'), whole.subarray(0, whole.length >> 1));
  const out = path.join(work, 'own-ja.npz');
  const r = medcnn([
    'import',
    dir,
    '--size',
    '28',
    '--out',
    out,
    '--on-bad-file',
    'skip',
    '--lang',
    'ja',
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^データ: 使えない画像 1 枚を除外しました（--on-bad-file skip）: val\/normal\/cut\.png: .*途中で切れています/m,
  );
  assert.match(r.out, /^警告: 1 枚の画像が別の分割の画像と同じ内容です（リーク.*test\/normal\/copy\.png/m);
  assert.match(
    r.out,
    /^画像 19 枚（学習 6 · 検証 6 · テスト 7; normal, pneumonia; binary-class）を 28×28×1 で .*取り込みました/m,
  );
  assert.doesNotMatch(r.out, /left out|warning|imported/);
});
