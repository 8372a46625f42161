import { listModels } from '../models/index.js';
import { parseLang } from '../i18n/messages.js';
import { parseArgs } from './args.js';
import { commonFlags, type Command } from './command.js';
import { initEngine } from '../engine/backend.js';

const flags = { lang: commonFlags.lang } as const;

export const modelsCommand: Command = {
  name: 'models',
  synopsis: '',
  summary: 'list the architectures with their history and size (28×28×1 → 2 classes)',
  flags,
  async run(argv) {
    const { flags: f } = parseArgs('models', argv, flags);
    const lang = parseLang(f.lang as string);
    await initEngine({ backend: 'cpu' });
    for (const m of listModels()) {
      const model = m.create({ inputShape: [28, 28, 1], numClasses: 2 });
      const params = model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
      model.dispose();
      console.log(`${m.name.padEnd(12)} ${String(m.year).padEnd(6)}${params.toLocaleString('en-US').padStart(12)} params  ${m.title} — ${m.introduced[lang]}`);
      console.log(`${''.padEnd(19)}${m.paper}`);
    }
  },
};
