import { MedcnnError } from '../errors.js';
import { initEngine } from '../engine/backend.js';
import { anatomyOfImage } from '../explain/run.js';
import { parseLang, t } from '../i18n/messages.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  blocks: { kind: 'int', help: 'how many convolutional blocks to show', default: 3, min: 1 },
  maps: { kind: 'int', help: 'feature maps shown per stage', default: 16, min: 1 },
  out: { kind: 'string', help: 'folder for the panels (default RUN_DIR/anatomy)' },
  lang: commonFlags.lang,
  backend: commonFlags.backend,
  threads: commonFlags.threads,
} as const;

export const anatomyCommand: Command = {
  name: 'anatomy',
  synopsis: 'RUN_DIR IMAGE [--blocks N] [--maps N] [--out DIR]',
  summary: "the network's anatomy on your image: first-layer filters, feature maps after conv, ReLU and pooling",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('anatomy', argv, flags);
    if (positionals.length !== 2) throw new MedcnnError('usage: medcnn anatomy RUN_DIR IMAGE (one image)');
    const lang = parseLang(f.lang as string);
    await initEngine({ backend: f.backend as string, threads: f.threads as number | undefined });
    const written = await anatomyOfImage(positionals[0], positionals[1], {
      outDir: f.out as string | undefined,
      blocks: f.blocks as number,
      maps: f.maps as number,
      lang,
    });
    for (const png of written) console.log(t(lang, 'anatomyWritten', { png }));
  },
};
