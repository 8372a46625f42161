import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { clinicalLine, formatBound } from '../metrics/format.js';
import { evaluateRun } from '../run/evaluate.js';
import { RunFolder } from '../runfolder/index.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { engineFlags, langFlag, readLang, rootFlag } from './options/common.js';

const flags = {
  split: { kind: 'string', help: 'which split', choices: ['train', 'val', 'test'], default: 'test' },
  ...rootFlag,
  ...langFlag,
  ...engineFlags,
} as const;

export const evaluateCommand: Command = {
  name: 'evaluate',
  synopsis: 'RUN_DIR [--split val|test]',
  summary: "evaluate a run's kept model; write metrics, MedMNIST predictions CSV, plots and report",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('evaluate', argv, flags);
    if (positionals.length !== 1)
      throw new MedcnnError(
        'usage: medcnn evaluate RUN_DIR [--split val|test]',
        '使い方: medcnn evaluate RUN_DIR [--split val|test]',
      );
    const dir = positionals[0];
    const lang = readLang(f, RunFolder.open(dir).config.lang);
    await initEngine({ backend: f.backend, threads: f.threads, device: f.device });
    const m = await evaluateRun(dir, f.split, { root: f.root, lang });
    console.log(
      t(lang, 'evaluated', { split: m.split, acc: m.acc.toFixed(4), auc: m.auc.toFixed(4), file: m.predictionsFile }),
    );
    if (m.clinical) {
      const c = m.clinical;
      console.log(
        t(lang, 'evaluatedCi', {
          accLo: formatBound(c.ci95.accuracy, 0, lang),
          accHi: formatBound(c.ci95.accuracy, 1, lang),
          aucLo: formatBound(c.ci95.auc, 0, lang),
          aucHi: formatBound(c.ci95.auc, 1, lang),
        }),
      );
      console.log(`  ${clinicalLine(c, lang)}`);
      console.log(t(lang, 'evaluatedConfusion', { matrix: JSON.stringify(c.confusion) }));
    }
  },
};
