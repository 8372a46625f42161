import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { anatomyOfImage } from '../run/explain-images.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { engineFlags, langFlag, readLang } from './options/common.js';

const flags = {
  blocks: { kind: 'int', help: 'how many convolutional blocks to show', default: 3, min: 1, max: 50 },
  maps: { kind: 'int', help: 'feature maps shown per stage', default: 16, min: 1, max: 256 },
  out: { kind: 'string', help: 'folder for the panels (default RUN_DIR/anatomy)' },
  ...langFlag,
  ...engineFlags,
} as const;

export const anatomyCommand: Command = {
  name: 'anatomy',
  synopsis: 'RUN_DIR IMAGE [--blocks N] [--maps N] [--out DIR]',
  summary: "the network's anatomy on your image: first-layer filters, feature maps after conv, ReLU and pooling",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('anatomy', argv, flags);
    if (positionals.length !== 2)
      throw new MedcnnError(
        'usage: medcnn anatomy RUN_DIR IMAGE (one image)',
        '使い方: medcnn anatomy RUN_DIR IMAGE（画像は1枚）',
      );
    const lang = readLang(f);
    await initEngine({ backend: f.backend, threads: f.threads, device: f.device });
    const written = await anatomyOfImage(positionals[0], positionals[1], {
      outDir: f.out,
      blocks: f.blocks,
      maps: f.maps,
      lang,
    });
    for (const png of written) console.log(t(lang, 'anatomyWritten', { png }));
  },
};
