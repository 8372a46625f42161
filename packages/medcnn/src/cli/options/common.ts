import { type Lang, parseLang } from '../../i18n/messages.js';
import type { Flags } from '../args.js';

/** The engine: which backend, how many threads (checked in engine/backend.ts against the machine). */
export const engineFlags = {
  backend: {
    kind: 'string',
    help: 'engine backend (default: MEDCNN_BACKEND, else auto: libtorch, wasm, cpu)',
    choices: ['auto', 'libtorch', 'wasm', 'cpu'],
  },
  threads: { kind: 'int', help: "intra-op threads for the native backend (at most the machine's cores)", min: 1 },
  device: {
    kind: 'string',
    help: 'where kernels run: auto, cpu, cuda, cuda:N (default: MEDCNN_DEVICE, else auto)',
  },
} as const;

/** The output language. */
export const langFlag = {
  lang: { kind: 'string', help: 'output language (en, ja)', choices: ['en', 'ja'], default: 'en' },
} as const;

/** Where the data is. */
export const rootFlag = {
  root: { kind: 'string', help: 'data folder (else MEDMNIST_ROOT, else ~/.medmnist)' },
} as const;

/** The output language of a command; `fallback` (a run's own language) when --lang was not given. */
export function readLang(f: Flags<typeof langFlag>, fallback?: Lang): Lang {
  return !f.given.has('lang') && fallback ? fallback : parseLang(f.lang);
}
