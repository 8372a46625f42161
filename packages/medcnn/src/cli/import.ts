import fs from 'node:fs';
import { writeImport } from '../data/import.js';
import { loadOwnData } from '../data/own.js';
import { readSplitsFile } from '../data/splits.js';
import { MedcnnError } from '../errors.js';
import { ensureFileTarget } from '../util/dirs.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { t } from '../i18n/messages.js';
import { langFlag, readLang } from './options/common.js';
import { ownImageFlags, readOwnRequest } from './options/data.js';

const flags = {
  ...ownImageFlags,
  seed: { kind: 'int', help: 'random seed of the splits made', default: 42, min: 0, max: 2 ** 32 - 1 },
  out: { kind: 'string', help: 'the npz to write (a JSON sidecar is written beside it)' },
  overwrite: { kind: 'boolean', help: 'replace an existing npz and sidecar' },
  'no-progress': { kind: 'boolean', help: 'no progress bar' },
  ...langFlag,
} as const;

export const importCommand: Command = {
  name: 'import',
  synopsis: 'PATH --size N --out FILE.npz [--fit pad|crop|stretch] [--split 70/10/20] [--splits FILE]',
  summary: 'decode a folder or CSV of your images once into a MedMNIST-format npz (+ JSON sidecar) for --data',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('import', argv, flags);
    const lang = readLang(f);
    if (positionals.length !== 1 || f.out === undefined)
      throw new MedcnnError(
        'usage: medcnn import PATH --size N --out FILE.npz (PATH: a folder of class folders or a CSV manifest)',
        '使い方: medcnn import PATH --size N --out FILE.npz（PATH: クラスごとのフォルダを含むフォルダ、または CSV マニフェスト）',
      );
    if (!/\.npz$/i.test(f.out))
      throw new MedcnnError(
        `--out must end in .npz (got ${f.out}), so that --data and numpy know what it is.`,
        `--out は .npz で終わる名前にしてください（指定値: ${f.out}）。--data と numpy が形式を判断できるようにするためです。`,
      );
    const out = ensureFileTarget(f.out, '--out');
    if (fs.existsSync(out) && !f.overwrite)
      throw new MedcnnError(
        `${f.out} exists; pass --overwrite to replace it, or choose another --out.`,
        `${f.out} は既にあります。置き換えるには --overwrite を付けるか、別の --out を指定してください。`,
      );
    const req = readOwnRequest(f, positionals[0]);
    const size = f.size;
    const start = performance.now();
    const own = await loadOwnData({
      source: req.source,
      prep: { size, fit: req.fit, dicom: req.dicom },
      task: req.task,
      onBadFile: req.onBadFile,
      fractions: req.fractions,
      seed: f.seed,
      splits: req.splitsFile ? readSplitsFile(req.splitsFile) : undefined,
      splitsFrom: req.splitsFile ? `--splits ${req.splitsFile}` : undefined,
      progress: !f['no-progress'],
      lang,
    });
    const side = writeImport(out, own, { size, fit: req.fit, dicom: req.dicom });
    const secs = (performance.now() - start) / 1000;
    const n = own.train.count + own.val.count + own.test.count;
    console.log(
      t(lang, 'imported', {
        n,
        train: own.train.count,
        val: own.val.count,
        test: own.test.count,
        classes: own.classes.join(', '),
        task: own.task,
        size,
        channels: own.channels,
        out: f.out,
        side,
        secs: secs.toFixed(1),
        ips: (n / secs).toFixed(0),
      }),
    );
  },
};
