import type { FlagSpecs } from './args.js';
import { engineFlags, langFlag, rootFlag } from './options/common.js';

/** One `medcnn` subcommand: its flags, its help, and what it does (resolving to an exit code, or nothing for 0). */
export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  flags: FlagSpecs;
  run(argv: string[]): Promise<unknown>;
}

/** Flags that most commands share: data root, language, engine. */
export const commonFlags = { ...rootFlag, ...langFlag, ...engineFlags } as const;
