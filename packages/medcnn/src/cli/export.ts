import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { exportRun } from '../run/export.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { RunFolder } from '../runfolder/index.js';
import { engineFlags, langFlag, readLang, rootFlag } from './options/common.js';

const flags = {
  format: {
    kind: 'string',
    help: 'onnx, or tfjs (the TF.js layers files)',
    choices: ['onnx', 'tfjs'],
    default: 'tfjs',
  },
  out: { kind: 'string', help: 'file (onnx) or folder (tfjs) to write (default beside the run: RUN.onnx, RUN-tfjs/)' },
  overwrite: { kind: 'boolean', help: 'replace an existing --out' },
  'check-images': {
    kind: 'int',
    help: 'test images ONNX Runtime and TF.js must agree on',
    default: 64,
    min: 1,
    max: 10000,
  },
  ...rootFlag,
  ...langFlag,
  ...engineFlags,
} as const;

export const exportCommand: Command = {
  name: 'export',
  synopsis: 'RUN_DIR [--format onnx|tfjs] [--out FILE]',
  summary: "write a run's kept model as ONNX (checked in ONNX Runtime) or TF.js files, with its preprocessing",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('export', argv, flags);
    if (positionals.length !== 1)
      throw new MedcnnError(
        'usage: medcnn export RUN_DIR [--format onnx|tfjs] [--out FILE]',
        '使い方: medcnn export RUN_DIR [--format onnx|tfjs] [--out FILE]',
      );
    const lang = readLang(f, RunFolder.open(positionals[0]).config.lang);
    const engine = await initEngine({ backend: f.backend, threads: f.threads });
    const r = await exportRun(positionals[0], {
      format: f.format,
      out: f.out,
      overwrite: f.overwrite,
      root: f.root,
      checkImages: f['check-images'],
      threads: engine.threads,
    });
    const size = `${(r.bytes / 1e6).toFixed(2)} MB`;
    if (lang === 'ja')
      console.log(
        r.checked
          ? `${r.out} に書き出しました（${size}）。テスト画像 ${r.checked.images} 枚で ONNX Runtime と TF.js の出力の最大差は ${r.checked.maxDifference.toExponential(2)} です。`
          : `${r.out} に書き出しました（${size}、TF.js layers 形式、前処理は medcnn.json）。`,
      );
    else
      console.log(
        r.checked
          ? `Wrote ${r.out} (${size}); ONNX Runtime and TF.js agree on ${r.checked.images} test images (largest difference ${r.checked.maxDifference.toExponential(2)}).`
          : `Wrote ${r.out} (${size}, TF.js layers format; preprocessing in medcnn.json).`,
      );
  },
};
