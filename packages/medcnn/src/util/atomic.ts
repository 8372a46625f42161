import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file under a temporary name in the same folder, then renames it: never half-written. `data` may be a list
 * of pieces, written one after another.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) fs.writeFileSync(tmp, data);
    else writePieces(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function writePieces(file: string, pieces: readonly Uint8Array[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const piece of pieces)
      for (let at = 0; at < piece.length; ) at += fs.writeSync(fd, piece, at, piece.length - at);
  } finally {
    fs.closeSync(fd);
  }
}
