import { countMultiplyAdds, countParams, listBackbones, listModels } from '../models/index.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang } from './options/common.js';
import { initEngine } from '../engine/backend.js';
import { MedcnnError } from '../errors.js';

const flags = {
  ...langFlag,
  input: { kind: 'string', help: 'input shape the sizes are counted at, HxWxC (default 28x28x1)', default: '28x28x1' },
  classes: { kind: 'int', help: 'output classes the sizes are counted at (default 2)', default: 2, min: 1 },
} as const;

/** '224x224x3' → [224, 224, 3], or a MedcnnError that shows the form. */
function parseInputShape(text: string): [number, number, number] {
  const m = /^(\d+)x(\d+)x(\d+)$/i.exec(text.trim());
  if (!m)
    throw new MedcnnError(
      `--input must be HEIGHTxWIDTHxCHANNELS, such as 224x224x3; got '${text}'.`,
      `--input は 高さx幅xチャネル数 の形（例: 224x224x3）で指定してください（指定値: '${text}'）。`,
    );
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export const modelsCommand: Command = {
  name: 'models',
  synopsis: '',
  summary:
    'list the architectures (history and size at 28×28×1 → 2 classes, or at --input and --classes) and the pretrained backbones',
  flags,
  async run(argv) {
    const { flags: f } = parseArgs('models', argv, flags);
    const lang = readLang(f);
    const inputShape = parseInputShape(f.input);
    await initEngine({ backend: 'cpu' });
    if (f.given.has('input') || f.given.has('classes'))
      console.log(`${inputShape.join('×')} → ${f.classes} ${f.classes === 1 ? 'class' : 'classes'}`);
    for (const m of listModels()) {
      const model = m.create({ inputShape, numClasses: f.classes });
      const params = countParams(model);
      const macs = countMultiplyAdds(model);
      model.dispose();
      console.log(
        `${m.name.padEnd(15)} ${String(m.year).padEnd(6)}${params.toLocaleString('en-US').padStart(12)} params ${formatMacs(macs).padStart(8)} mult-adds  ${m.title} — ${m.introduced[lang]}`,
      );
      console.log(`${''.padEnd(22)}${m.paper}`);
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
