import { MedcnnError } from '../errors.js';
import { initEngine } from '../engine/backend.js';
import { parseLang, t } from '../i18n/messages.js';
import { clinicalLine, formatInterval } from '../metrics/format.js';
import { evaluateRun } from '../run/evaluate-run.js';
import { readRunConfig } from '../run/run-config.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  split: { kind: 'string', help: 'which split', choices: ['train', 'val', 'test'], default: 'test' },
  ...commonFlags,
} as const;

export const evaluateCommand: Command = {
  name: 'evaluate',
  synopsis: 'RUN_DIR [--split val|test]',
  summary: "evaluate a run's kept model; write metrics, MedMNIST predictions CSV, plots and report",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('evaluate', argv, flags);
    if (positionals.length !== 1) throw new MedcnnError('usage: medcnn evaluate RUN_DIR [--split val|test]');
    const dir = positionals[0];
    const config = readRunConfig(dir);
    const lang = argv.some((a) => a.startsWith('--lang')) ? parseLang(f.lang as string) : config.lang;
    await initEngine({ backend: f.backend as string, threads: f.threads as number | undefined });
    const m = await evaluateRun(dir, f.split as 'val' | 'test', { root: f.root as string | undefined, lang });
    console.log(
      t(lang, 'evaluated', { split: m.split, acc: m.acc.toFixed(4), auc: m.auc.toFixed(4), file: m.predictionsFile }),
    );
    if (m.clinical) {
      const c = m.clinical;
      console.log(
        `  ACC 95% CI ${formatInterval(c.ci95.accuracy, lang)} · AUC 95% CI ${formatInterval(c.ci95.auc, lang, c.notAvailable.auc)}`,
      );
      console.log(`  ${clinicalLine(c, lang)}`);
      console.log(`  confusion [[TN, FP], [FN, TP]] = ${JSON.stringify(c.confusion)}`);
    }
  },
};
