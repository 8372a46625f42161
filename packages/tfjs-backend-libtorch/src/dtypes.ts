/** dtype codes shared with native/addon.cc. */
import type { DataType } from '@tensorflow/tfjs-core';

const CODES: Partial<Record<DataType, number>> = { float32: 0, int32: 1, bool: 2 };
const NAMES: DataType[] = ['float32', 'int32', 'bool'];

/** The native code of a tfjs dtype, or throws for dtypes ATen does not hold (string, complex64). */
export function dtypeCode(dtype: DataType): number {
  const code = CODES[dtype];
  if (code === undefined) throw new Error(`libtorch backend: dtype ${dtype} is not supported natively`);
  return code;
}

/** The tfjs dtype of a native code. */
export function dtypeName(code: number): DataType {
  return NAMES[code];
}
