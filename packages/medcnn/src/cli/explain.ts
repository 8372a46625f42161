import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { explainImages } from '../run/explain-images.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { engineFlags, langFlag, readLang } from './options/common.js';

const flags = {
  class: { kind: 'int', help: "class index to explain (default: each image's predicted class)", min: 0 },
  layer: { kind: 'string', help: 'layer to look at (default: the last convolution)' },
  out: { kind: 'string', help: 'folder for the figures (default RUN_DIR/explain)' },
  json: { kind: 'boolean', help: 'print JSON' },
  ...langFlag,
  ...engineFlags,
} as const;

export const explainCommand: Command = {
  name: 'explain',
  synopsis: 'RUN_DIR IMAGE... [--class N] [--layer NAME] [--out DIR]',
  summary: 'Grad-CAM: show where the model looked, per image, with the class probabilities',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('explain', argv, flags);
    if (positionals.length < 2)
      throw new MedcnnError(
        'usage: medcnn explain RUN_DIR IMAGE... [--class N] [--layer NAME]',
        '使い方: medcnn explain RUN_DIR IMAGE... [--class N] [--layer NAME]',
      );
    const lang = readLang(f);
    await initEngine({ backend: f.backend, threads: f.threads, device: f.device });
    const results = await explainImages(positionals[0], positionals.slice(1), {
      outDir: f.out,
      classIndex: f.class,
      layer: f.layer,
      lang,
    });
    if (f.json) console.log(JSON.stringify(results, null, 2));
    else
      for (const r of results)
        console.log(
          t(lang, 'explained', {
            file: r.file,
            label: r.label,
            prob: r.probabilities[r.classIndex].toFixed(4),
            layer: r.layer,
            png: r.png,
          }),
        );
  },
};
