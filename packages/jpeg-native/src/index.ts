/**
 * Strict JPEG decoding on libjpeg-turbo, off the main thread: an 8-bit gray or colour JPEG decoded in one pass,
 * shrunk while it is decoded (DCT scaling), with every libjpeg warning (corrupt data, premature end, extraneous
 * bytes, a bad restart marker) an error, so that a truncated or damaged file is refused rather than filled in.
 * The addon is built at install time when libjpeg-turbo's headers are there; `loadProblem` says why it is not.
 */
import { createRequire } from 'node:module';

/** A decoded JPEG: rows of `channels` (1 gray, 3 RGB) 8-bit samples, shrunk by scaleNum/8. */
export interface DecodedJpeg {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
  scaleNum: number;
}

/**
 * Why libjpeg refused a file: its message (`message`), its message code's name (`code`, e.g. JWRN_HIT_MARKER),
 * whether libjpeg itself only warned, where in the file it was (its header, its image data, or what follows them),
 * and whether it had read past the file's last byte (the file is cut short).
 */
export interface JpegError extends Error {
  code: string;
  warning: boolean;
  phase: 'header' | 'data' | 'end';
  endOfFile: boolean;
}

interface Addon {
  decode(bytes: Buffer, atLeastWidth: number, atLeastHeight: number): Promise<DecodedJpeg>;
  libjpegVersion: number;
  mapFile(path: string): ArrayBuffer;
}

let addon: Addon | null = null;
let problem: string | null = null;
try {
  addon = createRequire(import.meta.url)('../../build/Release/jpeg_native.node') as Addon;
} catch (e) {
  problem = (e as Error).message.split('\n')[0];
}

/** Why the addon cannot be used (not built: libjpeg-turbo's headers were missing at install time), or null. */
export const loadProblem: string | null = problem;

/** Whether a thrown value is libjpeg's refusal of a file (rather than a bug). */
export function isJpegError(e: unknown): e is JpegError {
  return e instanceof Error && typeof (e as JpegError).phase === 'string';
}

/**
 * Decodes a JPEG at the smallest scale (1/8 … 8/8) whose output is at least atLeastWidth × atLeastHeight (0, 0:
 * the smallest; the image's own size: full size), on libuv's thread pool. Rejects with a JpegError when libjpeg
 * refuses the file or warns about it. `bytes` must stay unchanged until the promise settles.
 */
export function decodeJpeg(bytes: Buffer, atLeastWidth: number, atLeastHeight: number): Promise<DecodedJpeg> {
  if (!addon) throw new Error(`jpeg-native is not available: ${loadProblem}`);
  return addon.decode(bytes, atLeastWidth, atLeastHeight);
}

/**
 * The whole file at `path` mapped into memory, copy-on-write (native/map_file.cc): reading a large file this way
 * costs a fraction of reading it into fresh memory, whose every page the kernel must fault in. Writes to the buffer
 * stay in this process. The file must be replaced by rename, never truncated, while the buffer lives. Null when the
 * addon is not built (read the file instead); throws an Error naming the file when it cannot be mapped.
 */
export function mapFile(path: string): ArrayBuffer | null {
  return addon ? addon.mapFile(path) : null;
}
