/** Helpers that turn a native op into a tfjs kernel config. */
import {
  getKernel,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from './backend.js';
import { runOnCpu } from './fallback.js';

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

/** x unchanged (or cast to `dtype`): the same data when the dtype is the same. */
export function identity(b: LibtorchBackend, x: TensorInfo, dtype: DataType = x.dtype): TensorInfo {
  if (dtype !== x.dtype) return b.run1('identity', [x], {}, dtype);
  // The same data under one more reference, as tfjs' cpu backend does: no native call at all. tfjs clones
  // tensors often (a training step of SimpleCNN makes over a hundred identities), so this matters.
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
