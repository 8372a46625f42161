import { ensureDataset } from '../data/download.js';
import { getDatasetInfo } from '../data/registry.js';
import { checkSize, resolveDataRoot } from '../data/root.js';
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang, rootFlag } from './options/common.js';

const flags = {
  size: { kind: 'int', help: 'image size: 28, 64, 128 or 224', default: 28 },
  force: { kind: 'boolean', help: 'download again even if the file is there (replaces a corrupt one)' },
  ...rootFlag,
  ...langFlag,
} as const;

export const downloadCommand: Command = {
  name: 'download',
  synopsis: 'FLAG [--size N] [--root DIR] [--force]',
  summary: 'download a dataset into the data root and check its MD5',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('download', argv, flags);
    if (positionals.length !== 1)
      throw new MedcnnError(
        'usage: medcnn download FLAG [--size N] [--root DIR] [--force]',
        '使い方: medcnn download FLAG [--size N] [--root DIR] [--force]',
      );
    const info = getDatasetInfo(positionals[0]);
    const size = checkSize(f.size);
    const lang = readLang(f);
    const file = await ensureDataset(info, size, resolveDataRoot(f.root), { force: f.force, lang });
    console.log(t(lang, 'downloaded', { file: info.files[size].fileName, path: file }));
  },
};
