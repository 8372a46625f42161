import type { FlagSpec } from './args.js';

/** One `medcnn` subcommand: its flags, its help, and what it does. */
export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  run(argv: string[]): Promise<void>;
}

/** Flags that several commands share. */
export const commonFlags = {
  root: { kind: 'string', help: 'data folder (else MEDMNIST_ROOT, else ~/.medmnist)' },
  lang: { kind: 'string', help: 'output language', choices: ['en', 'ja'], default: 'en' },
  backend: {
    kind: 'string',
    help: 'engine backend (default: MEDCNN_BACKEND, else auto: libtorch, wasm, cpu)',
    choices: ['auto', 'libtorch', 'wasm', 'cpu'],
  },
  threads: { kind: 'int', help: 'intra-op threads for the native backend', min: 1 },
} satisfies Record<string, FlagSpec>;
