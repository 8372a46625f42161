import { MedcnnError } from '../errors.js';
import { ensureDataset } from '../data/download.js';
import { getDatasetInfo } from '../data/registry.js';
import { checkSize, resolveDataRoot } from '../data/root.js';
import { parseLang, t } from '../i18n/messages.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';

const flags = {
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  force: { kind: 'boolean', help: 'download again even if the file is there (replaces a corrupt one)' },
  root: commonFlags.root,
  lang: commonFlags.lang,
} as const;

export const downloadCommand: Command = {
  name: 'download',
  synopsis: 'FLAG [--size N] [--root DIR] [--force]',
  summary: 'download a dataset into the data root and check its MD5',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('download', argv, flags);
    if (positionals.length !== 1)
      throw new MedcnnError('usage: medcnn download FLAG [--size N] [--root DIR] [--force]');
    const info = getDatasetInfo(positionals[0]);
    const size = checkSize(f.size as number);
    const file = await ensureDataset(info, size, resolveDataRoot(f.root as string | undefined), {
      force: f.force === true,
    });
    console.log(t(parseLang(f.lang as string), 'downloaded', { file: info.files[size].fileName, path: file }));
  },
};
