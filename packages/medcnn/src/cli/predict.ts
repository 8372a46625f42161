import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { predictImages } from '../run/predict-images.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { engineFlags, langFlag, readLang } from './options/common.js';

const flags = {
  ...langFlag,
  ...engineFlags,
  json: { kind: 'boolean', help: 'print JSON' },
} as const;

export const predictCommand: Command = {
  name: 'predict',
  synopsis: 'RUN_DIR IMAGE...',
  summary: "classify PNG/JPEG images with a run's kept model",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('predict', argv, flags);
    if (positionals.length < 2)
      throw new MedcnnError('usage: medcnn predict RUN_DIR IMAGE...', '使い方: medcnn predict RUN_DIR IMAGE...');
    const lang = readLang(f);
    await initEngine({ backend: f.backend, threads: f.threads, device: f.device });
    const results = await predictImages(positionals[0], positionals.slice(1), lang);
    if (f.json) console.log(JSON.stringify(results, null, 2));
    else
      for (const r of results)
        console.log(t(lang, 'prediction', { file: r.file, label: r.label, prob: r.probability.toFixed(4) }));
  },
};
