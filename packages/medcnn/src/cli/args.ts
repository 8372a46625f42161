import { MedcnnError } from '../errors.js';

/** One flag: its kind, help and limits. A spec object's parse result is typed from it (no casts). */
export type FlagSpec =
  | { kind: 'string'; help: string; default?: string; choices?: readonly string[] }
  | { kind: 'int' | 'float'; help: string; default?: number; min?: number; max?: number }
  | { kind: 'boolean'; help: string };

export type FlagSpecs = Record<string, FlagSpec>;

/** The value a flag parses to: numbers and strings are undefined unless given or defaulted. */
type FlagValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'int' | 'float' }
    ? S extends { default: number }
      ? number
      : number | undefined
    : S extends { choices: readonly (infer C)[] }
      ? S extends { default: string }
        ? C
        : C | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

/** The parse result of a spec object, typed flag by flag. */
export type Flags<T extends FlagSpecs> = { [K in keyof T]: FlagValue<T[K]> } & {
  /** Flags the user gave (not defaulted). */
  readonly given: ReadonlySet<string>;
};

export interface Parsed<T extends FlagSpecs> {
  flags: Flags<T>;
  positionals: string[];
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`, strictly: an unknown flag, a missing value or
 * a number out of range is a MedcnnError that says what is wrong.
 */
export function parseArgs<T extends FlagSpecs>(command: string, argv: string[], spec: T): Parsed<T> {
  const values: Record<string, string | number | boolean | undefined> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (const [name, s] of Object.entries(spec)) {
    if (s.kind === 'boolean') values[name] = false;
    else if (s.default !== undefined) values[name] = s.default;
  }
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
      const options = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new MedcnnError(
        `Unknown option --${name} for 'medcnn ${command}'. Options: ${options}.`,
        `'medcnn ${command}' に --${name} というオプションはありません。オプション: ${options}。`,
      );
    }
    given.add(name);
    if (s.kind === 'boolean') {
      values[name] = eq < 0 ? true : !['false', '0', 'no'].includes(arg.slice(eq + 1));
      continue;
    }
    const raw: string | undefined = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || (eq < 0 && raw.startsWith('--')))
      throw new MedcnnError(`Option --${name} needs a value (${s.help}).`, `--${name} には値が必要です（${s.help}）。`);
    values[name] = convert(name, raw, s);
  }
  return { flags: Object.assign(values, { given }) as unknown as Flags<T>, positionals };
}

function convert(name: string, raw: string, s: Exclude<FlagSpec, { kind: 'boolean' }>): string | number {
  if (s.kind === 'string') {
    if (s.choices) {
      // Choices are matched without regard to case: --lang JA means ja.
      const choice = s.choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
      if (choice === undefined)
        throw new MedcnnError(
          `--${name} must be one of ${s.choices.join(', ')}, got '${raw}'.`,
          `--${name} は ${s.choices.join(', ')} のいずれかにしてください（指定値: '${raw}'）。`,
        );
      return choice;
    }
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (s.kind === 'int' && !Number.isInteger(value))) {
    throw new MedcnnError(
      `--${name} must be ${s.kind === 'int' ? 'a whole number' : 'a number'}, got '${raw}'.`,
      `--${name} は${s.kind === 'int' ? '整数' : '数値'}で指定してください（指定値: '${raw}'）。`,
    );
  }
  if (s.min !== undefined && value < s.min)
    throw new MedcnnError(
      `--${name} must be at least ${s.min}, got ${raw}.`,
      `--${name} は ${s.min} 以上にしてください（指定値: ${raw}）。`,
    );
  if (s.max !== undefined && value > s.max)
    throw new MedcnnError(
      `--${name} must be at most ${s.max}, got ${raw}.`,
      `--${name} は ${s.max} 以下にしてください（指定値: ${raw}）。`,
    );
  return value;
}

/** Refuses positional arguments where a command takes none. */
export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length)
    throw new MedcnnError(
      `'medcnn ${command}' takes no positional arguments, got: ${positionals.join(' ')}`,
      `'medcnn ${command}' はオプション以外の引数を取りません（指定: ${positionals.join(' ')}）`,
    );
}

/** The usage text of a command, from its flag specs. */
export function usage(command: string, synopsis: string, spec: FlagSpecs): string {
  const lines = [`usage: medcnn ${command} ${synopsis}`, ''];
  for (const [name, s] of Object.entries(spec)) {
    const def = s.kind !== 'boolean' && s.default !== undefined ? ` (default ${s.default})` : '';
    lines.push(`  --${name.padEnd(20)} ${s.help}${def}`);
  }
  return lines.join('\n');
}
