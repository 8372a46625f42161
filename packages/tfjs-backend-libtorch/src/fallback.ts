/** Automatic fallback to the cpu backend for kernels that are not native (yet). */
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import type { LibtorchBackend } from './backend.js';

const counts: Record<string, number> = {};
const traced = new Set<string>();
let cpu: MathBackendCPU | undefined;

/** Kernels that fell back to the cpu backend, with how often. */
export function fallbackCounts(): Record<string, number> {
  return { ...counts };
}

/** Forgets the counts (tests use it to measure one training step). */
export function resetFallbackCounts(): void {
  for (const k of Object.keys(counts)) delete counts[k];
}

function note(name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
  if (process.env.MEDCNN_TRACE_FALLBACK === '1' && !traced.has(name)) {
    traced.add(name);
    process.stderr.write(`tfjs-backend-libtorch: kernel ${name} falls back to the cpu backend\n`);
  }
}

/** Runs a cpu kernel on copies of the inputs and copies the outputs back. */
export function runOnCpu(config: KernelConfig, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  note(config.kernelName);
  const backend = args.backend as LibtorchBackend;
  if (!cpu) {
    cpu = new MathBackendCPU();
    // Our private cpu backend should not print tfjs's "install tfjs-node" banner.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  const cpuInputs: NamedTensorInfoMap = {};
  const made: TensorInfo[] = [];
  for (const [name, t] of Object.entries(args.inputs)) {
    if (t == null) continue;
    const info = { dataId: cpu.write(backend.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    cpuInputs[name] = info;
    made.push(info);
  }
  try {
    const out = config.kernelFunc({ inputs: cpuInputs, attrs: args.attrs, backend: cpu });
    const outs = Array.isArray(out) ? out : [out];
    const back = outs.map((o) => {
      made.push(o);
      return { dataId: backend.write(cpu!.readSync(o.dataId), o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
    });
    return Array.isArray(out) ? back : back[0];
  } finally {
    for (const t of made) cpu.disposeData(t.dataId, true);
  }
}

/** A libtorch kernel config that always runs the given cpu kernel. */
export function fallbackKernel(config: KernelConfig): KernelConfig {
  return {
    kernelName: config.kernelName,
    backendName: 'libtorch',
    kernelFunc: (args) => runOnCpu(config, args),
  };
}
