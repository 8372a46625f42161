#!/usr/bin/env node
import { MedcnnError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { usage } from './args.js';
import { anatomyCommand } from './anatomy.js';
import { augmentCommand } from './augment.js';
import { augmentCheckCommand } from './augment-check.js';
import { augmentPreviewCommand } from './augment-preview.js';
import type { Command } from './command.js';
import { compareCommand } from './compare.js';
import { downloadCommand } from './download.js';
import { evaluateCommand } from './evaluate.js';
import { explainCommand } from './explain.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { modelsCommand } from './models.js';
import { predictCommand } from './predict.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';

const commands: Command[] = [
  trainCommand,
  evaluateCommand,
  predictCommand,
  importCommand,
  infoCommand,
  downloadCommand,
  modelsCommand,
  augmentCommand,
  augmentPreviewCommand,
  augmentCheckCommand,
  explainCommand,
  exportCommand,
  anatomyCommand,
  compareCommand,
  serveCommand,
];

function help(): string {
  return [
    'medcnn: train, evaluate and explain CNNs on MedMNIST medical images',
    '',
    'usage: medcnn COMMAND [options]   (medcnn COMMAND --help for its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`),
  ].join('\n');
}

/** Runs the medcnn command line; user errors print a message without a stack trace and exit 1. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`medcnn: ${t(errorLang(argv), 'unknownCommand', { name })}\n\n${help()}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usage(command.name, command.synopsis, command.flags));
    return 0;
  }
  const code = await command.run(rest);
  return typeof code === 'number' ? code : 0;
}

/** The language errors are printed in: --lang's value wherever it stands (flags are not parsed yet when one fails). */
function errorLang(argv: string[]): 'en' | 'ja' {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const value = i < 0 ? undefined : argv[i].includes('=') ? argv[i].slice('--lang='.length) : argv[i + 1];
  return value?.trim().toLowerCase() === 'ja' ? 'ja' : 'en';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof MedcnnError) console.error(`medcnn: ${e.messageIn(errorLang(process.argv.slice(2)))}`);
    else console.error('medcnn: internal error:', e);
    process.exitCode = e instanceof MedcnnError ? 1 : 2;
  },
);
