import fs from 'node:fs';
import path from 'node:path';
import { MedcnnError } from '../errors.js';

/**
 * Makes a folder and its missing parents one level at a time (never Node's recursive mkdir, which spins
 * forever under /proc), or says plainly why it cannot: `what` names the flag the user can change.
 */
export function ensureDir(dir: string, what: string): string {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let p = abs;
  while (!fs.existsSync(p)) {
    missing.unshift(p);
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  try {
    if (fs.existsSync(p) && !fs.statSync(p).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    for (const m of missing) fs.mkdirSync(m);
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const why = code === 'ENOTDIR' ? `${p} is a file, not a folder` : `${code}`;
    const whyJa = code === 'ENOTDIR' ? `${p} はフォルダではなくファイルです` : `${code}`;
    throw new MedcnnError(
      `Cannot write to ${dir} (${why}). Choose a writable folder with ${what}.`,
      `${dir} に書き込めません（${whyJa}）。${what} で書き込めるフォルダを指定してください。`,
    );
  }
  return abs;
}

/** Checks that a file can be written at `file` (its folder made if missing) before any work is done. */
export function ensureFileTarget(file: string, what: string): string {
  const abs = path.resolve(file);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
    throw new MedcnnError(
      `${file} is a folder; give ${what} a file name (e.g. ${path.join(file, 'out.png')}).`,
      `${file} はフォルダです。${what} にはファイル名を指定してください（例: ${path.join(file, 'out.png')}）。`,
    );
  ensureDir(path.dirname(abs), what);
  return abs;
}
