import fs from 'node:fs';
import { MedcnnError } from '../errors.js';
import { SIZES } from '../data/dataset-info.js';
import { getDatasetInfo, listDatasets } from '../data/registry.js';
import { datasetPath, resolveDataRoot } from '../data/root.js';
import { padColumns, t } from '../i18n/messages.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang, rootFlag } from './options/common.js';

const flags = { ...rootFlag, ...langFlag } as const;

export const infoCommand: Command = {
  name: 'info',
  synopsis: '[FLAG]',
  summary: 'list the MedMNIST 2D datasets, or show one',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('info', argv, flags);
    const lang = readLang(f);
    const root = resolveDataRoot(f.root);
    if (positionals.length > 1) throw new MedcnnError('usage: medcnn info [FLAG]', '使い方: medcnn info [FLAG]');
    if (positionals.length === 0) {
      const head = (key: Parameters<typeof t>[1], width: number) => padColumns(t(lang, key), width);
      console.log(
        `${head('infoFlag', 16)}${head('infoTask', 27)}${head('infoModality', 16)}${head('infoChannels', 4)}${head('infoClasses', 9)}${head('infoSplits', 22)}${t(lang, 'infoHere', { root })}`,
      );
      for (const d of listDatasets()) {
        const here = SIZES.filter((s) => fs.existsSync(datasetPath(d, s, root))).join(',') || '-';
        console.log(
          `${d.flag.padEnd(16)}${d.task.padEnd(27)}${d.modality.padEnd(16)}${String(d.channels).padEnd(4)}${String(d.labels.length).padEnd(9)}${`${d.samples.train}/${d.samples.val}/${d.samples.test}`.padEnd(22)}${here}`,
        );
      }
      return;
    }
    const d = getDatasetInfo(positionals[0]);
    console.log(`${d.pythonClass} (${d.flag})`);
    console.log(`  ${d.description[lang]}`);
    console.log(t(lang, 'infoFacts', { task: d.task, modality: d.modality, channels: d.channels, license: d.license }));
    console.log(t(lang, 'infoSamples', d.samples));
    console.log(t(lang, 'infoLabels'));
    d.labels.forEach((l, i) => console.log(`    ${i}: ${l[lang]}${lang === 'ja' ? ` (${l.en})` : ''}`));
    console.log(t(lang, 'infoFiles', { root }));
    for (const s of SIZES) {
      const file = d.files[s];
      console.log(
        `    ${String(s).padStart(3)}: ${file.fileName.padEnd(26)} md5 ${file.md5} ${t(lang, fs.existsSync(datasetPath(d, s, root)) ? 'infoHereMark' : 'infoMissing')}`,
      );
      console.log(`         ${file.url}`);
    }
  },
};
