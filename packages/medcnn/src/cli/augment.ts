import { describeAugmentations } from '../augment/index.js';
import { MedcnnError } from '../errors.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang } from './options/common.js';

const flags = { ...langFlag } as const;

export const augmentCommand: Command = {
  name: 'augment',
  synopsis: 'list [--lang ja]',
  summary: 'the augmentation transforms and modality presets: what each allows, why, and the evidence',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('augment', argv, flags);
    const lang = readLang(f);
    if (positionals.length !== 1 || positionals[0] !== 'list')
      throw new MedcnnError(
        `'medcnn augment' takes one action, list (got: ${positionals.join(' ') || 'nothing'}). To check an augmentation on data: medcnn augment-check.`,
        `'medcnn augment' には list を 1 つ指定します（指定: ${positionals.join(' ') || 'なし'}）。データで効果を確かめるには medcnn augment-check を使ってください。`,
      );
    console.log(describeAugmentations(lang));
    return 0;
  },
};
