/** Helpers that turn a native op into a tfjs kernel config. */
import {
  getKernel,
  upcastType,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from './backend.js';
import { runOnCpu } from './fallback.js';
import type { NativeOp, OpAttrs } from './native_ops.js';

export type Args = Parameters<KernelFunc>[0];

/** Fused activation codes understood by native/kernels/activation.cc. */
export const ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  sigmoid: 4,
  leakyrelu: 5,
  prelu: 6,
};

/** Thrown by a kernel for inputs it leaves to the cpu backend (e.g. NCHW data). */
export class NotNative extends Error {}

/** A libtorch kernel config; errors name the kernel and input shapes, NotNative falls back to cpu. */
export function kernel(
  kernelName: string,
  run: (backend: LibtorchBackend, inputs: Args['inputs'], attrs: NamedAttrMap) => TensorInfo | TensorInfo[],
): KernelConfig {
  return {
    kernelName,
    backendName: 'libtorch',
    kernelFunc: (args) => {
      try {
        return run(args.backend as LibtorchBackend, args.inputs, (args.attrs ?? {}) as NamedAttrMap);
      } catch (e) {
        if (e instanceof NotNative) {
          const cpu = getKernel(kernelName, 'cpu');
          if (cpu) return runOnCpu(cpu, args);
        }
        const shapes = Object.entries(args.inputs)
          .filter(([, t]) => t != null)
          .map(([n, t]) => `${n}: [${t!.shape.join(',')}] ${t!.dtype}`)
          .join(', ');
        const err = new Error(`libtorch kernel ${kernelName} (${shapes}): ${(e as Error).message}`);
        throw err;
      }
    },
  };
}

/** A unary kernel on input `x`; the result keeps x's dtype unless `dtype` says otherwise. */
export function unaryKernel(
  kernelName: string,
  op: NativeOp,
  dtype?: DataType | ((x: DataType) => DataType),
  attrs: (a: NamedAttrMap) => OpAttrs<NativeOp> = () => ({}),
): KernelConfig {
  return kernel(kernelName, (b, inputs, a) => {
    const x = inputs.x!;
    const out = dtype === undefined ? x.dtype : typeof dtype === 'function' ? dtype(x.dtype) : dtype;
    return b.run1(op, [x], attrs(a), out);
  });
}

/** A broadcasting binary kernel on `a` and `b`; arithmetic upcasts, comparisons give bool. */
export function binaryKernel(
  kernelName: string,
  op: NativeOp,
  result: 'upcast' | 'bool' | 'int32' = 'upcast',
): KernelConfig {
  return kernel(kernelName, (b, inputs) => {
    const x = inputs.a!,
      y = inputs.b!;
    const out = result === 'upcast' ? upcastType(x.dtype, y.dtype) : result;
    return b.run1(op, [x, y], {}, out);
  });
}

/** x unchanged (or cast to `dtype`): the same data when the dtype is the same. */
export function identity(b: LibtorchBackend, x: TensorInfo, dtype: DataType = x.dtype): TensorInfo {
  if (dtype !== x.dtype) return b.run1('identity', [x], {}, dtype);
  // The same data under one more reference, as tfjs' cpu backend does: no native call at all. tfjs clones
  // tensors often (a training step of SimpleCNN makes over a hundred identities), so this matters.
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Element count of a shape. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, c) => a * c, 1);
}
