// `medcnn import` speed against Pillow: node dist/bench/import.js [--n 1000] [--size 224] [--workers 2] [--rounds 2]
import fs from 'node:fs';
import path from 'node:path';
import { benchImport, cpuRatios } from './import-bench.js';

const args = process.argv.slice(2);
const flag = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const shared = path.resolve(import.meta.dirname, '../../../../../shared');
const root = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.env.MEDMNIST_ROOT ?? path.join(shared, 'medmnist'),
);
const res = await benchImport({
  npz: path.join(root, 'pneumoniamnist.npz'),
  reference: path.join(shared, 'bench/import_reference.py'),
  python: fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
  n: flag('n', 1000),
  size: flag('size', 224),
  workers: flag('workers', 2),
  rounds: flag('rounds', 2),
});
console.log(JSON.stringify({ ...res, cpuRatios: cpuRatios(res) }));
