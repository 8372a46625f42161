import { countMultiplyAdds, countParams, listModels } from '../models/index.js';
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
      const params = countParams(model);
      const macs = countMultiplyAdds(model);
      model.dispose();
      console.log(
        `${m.name.padEnd(12)} ${String(m.year).padEnd(6)}${params.toLocaleString('en-US').padStart(12)} params ${formatMacs(macs).padStart(8)} mult-adds  ${m.title} — ${m.introduced[lang]}`,
      );
      console.log(`${''.padEnd(19)}${m.paper}`);
    }
  },
};

/** 1234567 → '1.23 M', in the units papers use for multiply-adds. */
function formatMacs(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(0)} k`;
}
