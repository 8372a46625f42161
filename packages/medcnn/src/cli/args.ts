import { MedcnnError } from '../errors.js';

/** The kind of value a flag takes. */
export type FlagKind = 'string' | 'int' | 'float' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  default?: string | number | boolean;
  /** Lowest allowed value for numbers. */
  min?: number;
  /** Allowed values for strings. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  flags: Record<string, string | number | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`, strictly: an unknown flag, a missing value or
 * a number out of range is a MedcnnError that says what is wrong.
 */
export function parseArgs(command: string, argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  for (const [name, s] of Object.entries(spec)) if (s.default !== undefined) flags[name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) {
      throw new MedcnnError(
        `Unknown option --${name} for 'medcnn ${command}'. Options: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')}.`,
      );
    }
    if (s.kind === 'boolean') {
      flags[name] = eq < 0 ? true : !['false', '0', 'no'].includes(arg.slice(eq + 1));
      continue;
    }
    const raw: string | undefined = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || (eq < 0 && raw.startsWith('--')))
      throw new MedcnnError(`Option --${name} needs a value (${s.help}).`);
    flags[name] = convert(name, raw, s);
  }
  return { flags, positionals };
}

function convert(name: string, raw: string, s: FlagSpec): string | number {
  if (s.kind === 'string') {
    if (s.choices && !s.choices.includes(raw))
      throw new MedcnnError(`--${name} must be one of ${s.choices.join(', ')}, got '${raw}'.`);
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (s.kind === 'int' && !Number.isInteger(value))) {
    throw new MedcnnError(`--${name} must be ${s.kind === 'int' ? 'a whole number' : 'a number'}, got '${raw}'.`);
  }
  if (s.min !== undefined && value < s.min) throw new MedcnnError(`--${name} must be at least ${s.min}, got ${raw}.`);
  return value;
}

/** The usage text of a command, from its flag specs. */
export function usage(command: string, synopsis: string, spec: Record<string, FlagSpec>): string {
  const lines = [`usage: medcnn ${command} ${synopsis}`, ''];
  for (const [name, s] of Object.entries(spec)) {
    const def = s.default !== undefined && s.kind !== 'boolean' ? ` (default ${s.default})` : '';
    lines.push(`  --${name.padEnd(20)} ${s.help}${def}`);
  }
  return lines.join('\n');
}
