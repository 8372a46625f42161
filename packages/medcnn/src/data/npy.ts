import { MedcnnError } from '../errors.js';

/** A uint8 array read from an .npy file, in C order. */
export interface NpyArray {
  shape: number[];
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Parses an .npy file (format versions 1-3) holding a uint8 array in C order. */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  const fail = (what: string, whatJa: string): never => {
    throw new MedcnnError(`${where}: ${what}`, `${where}: ${whatJa}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail('not an .npy array (bad magic bytes)', '.npy 配列ではありません（先頭のマジックバイトが不正）');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header', '.npy ヘッダーが途中で切れています');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(
      `unsupported .npy format version ${major}.${bytes[7]} (1, 2 and 3 are supported)`,
      `.npy 形式のバージョン ${major}.${bytes[7]} には対応していません（対応: 1、2、3）`,
    );
  }
  if (headerStart + headerLen > bytes.length) fail('truncated .npy header', '.npy ヘッダーが途中で切れています');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`malformed .npy header: ${header.trim()}`, `.npy ヘッダーの形式が不正です: ${header.trim()}`);
  }
  if (!['|u1', 'u1', '<u1', '>u1', '|b1'].includes(descr!) || descr === '|b1') {
    fail(
      `dtype is '${descr}', but MedMNIST arrays are uint8 ('|u1'); was the file re-saved with another dtype?`,
      `dtype が '${descr}' ですが、MedMNIST の配列は uint8（'|u1'）です。別の dtype で保存し直されていませんか？`,
    );
  }
  if (fortran === 'True')
    fail(
      'array is in Fortran order; only C-order arrays are supported',
      '配列が Fortran 順です。C 順の配列にだけ対応しています',
    );
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number.parseInt(s, 10));
  if (shape.some((n) => !Number.isInteger(n) || n < 0))
    fail(`malformed shape (${shapeText})`, `配列の形が不正です（${shapeText}）`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  if (bytes.length - dataStart < count) {
    fail(
      `truncated data: shape (${shape.join(', ')}) needs ${count} bytes, file has ${bytes.length - dataStart}`,
      `データが途中で切れています: 形 (${shape.join(', ')}) には ${count} バイト必要ですが、ファイルには ${bytes.length - dataStart} バイトしかありません`,
    );
  }
  return { shape, data: bytes.subarray(dataStart, dataStart + count) };
}

/** Writes a uint8 C-order array as .npy (format 1.0); used by tests and tools that make small files. */
export function encodeNpy(shape: number[], data: Uint8Array, descr = '|u1'): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
