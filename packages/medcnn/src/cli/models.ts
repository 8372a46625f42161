import { countMultiplyAdds, countParams, listBackbones, listModels } from '../models/index.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang } from './options/common.js';
import { initEngine } from '../engine/backend.js';

const flags = { ...langFlag } as const;

export const modelsCommand: Command = {
  name: 'models',
  synopsis: '',
  summary: 'list the architectures (history and size at 28×28×1 → 2 classes) and the pretrained backbones',
  flags,
  async run(argv) {
    const { flags: f } = parseArgs('models', argv, flags);
    const lang = readLang(f);
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
    console.log(
      '',
      lang === 'ja' ? '事前学習済みバックボーン（--pretrained NAME）:' : 'pretrained backbones (--pretrained NAME):',
    );
    for (const b of listBackbones()) {
      console.log(
        `${b.name.padEnd(18)} ${b.title}, trained at ${b.inputSize}×${b.inputSize}, used at ${b.defaultInputSize}×${b.defaultInputSize} by default`,
      );
      console.log(`${''.padEnd(19)}${b.paper}`);
    }
  },
};

/** 1234567 → '1.23 M', in the units papers use for multiply-adds. */
function formatMacs(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(0)} k`;
}
