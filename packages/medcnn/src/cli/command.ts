import type { FlagSpecs } from './args.js';

/** One `medcnn` subcommand: its flags, its help, and what it does (resolving to an exit code, or nothing for 0). */
export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  flags: FlagSpecs;
  run(argv: string[]): Promise<unknown>;
}
