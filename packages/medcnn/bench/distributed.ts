// Prints the data-parallel figures alone: node dist/bench/distributed.js [--only allreduce]
import path from 'node:path';
import { benchDistributed } from './distributed-bench.js';

const root = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.env.MEDMNIST_ROOT ?? path.join(import.meta.dirname, '../../../../../shared/medmnist'),
);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'allreduce') throw new Error(`--only takes 'allreduce', got '${only}'`);
await benchDistributed({ npz: path.join(root, 'pneumoniamnist.npz'), log: (l) => console.log(l), only });
