/**
 * Which BLAS a process runs its matrix products on, read from the libraries it has mapped. Debian's libtorch
 * links `libblas.so.3`, which is whatever the alternatives system points it at: the reference BLAS on a bare
 * machine (~50× slower products), OpenBLAS once `libopenblas0-openmp` is installed. A speed ratio against
 * PyTorch means something only when both sides got the same one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** A BLAS as the bench names it: what it is, and the file it was mapped from. */
export interface BlasInfo {
  name: string;
  file: string;
}

/** Names the BLAS among the mapped files of a process (lines of /proc/PID/maps). */
export function blasFromMaps(maps: string): BlasInfo | null {
  const files = [...new Set(maps.split('\n').map((l) => l.trim().split(/\s+/).at(5) ?? ''))].filter((f) =>
    f.startsWith('/'),
  );
  const kinds: [RegExp, string][] = [
    [/mkl_/, 'Intel MKL'],
    [/openblas-openmp\//, 'OpenBLAS (OpenMP)'],
    [/openblas-pthread\//, 'OpenBLAS (pthreads)'],
    [/openblas-serial\//, 'OpenBLAS (serial)'],
    [/libopenblas/, 'OpenBLAS'],
    [/blis/, 'BLIS'],
    [/atlas\//, 'ATLAS'],
    [/\/blas\/libblas\.so/, 'reference BLAS (netlib; slow)'],
  ];
  for (const [pattern, name] of kinds) {
    const file = files.find((f) => pattern.test(f));
    if (file) return { name, file };
  }
  const any = files.find((f) => /libblas\.so/.test(f));
  return any ? { name: 'unknown BLAS', file: any } : null;
}

/** The BLAS of this process (call after the native backend has loaded). */
export function ownBlas(): BlasInfo | null {
  return blasFromMaps(fs.readFileSync('/proc/self/maps', 'utf8'));
}

/** The BLAS that PyTorch gets from the given Python, or null (with why) when it cannot be asked. */
export function torchBlas(python: string, env: NodeJS.ProcessEnv): BlasInfo | { error: string } {
  const r = spawnSync(python, ['-c', "import torch; print(open('/proc/self/maps').read())"], {
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'no output').trim().split('\n').at(-1) ?? '' };
  return blasFromMaps(r.stdout) ?? { error: 'no BLAS library mapped' };
}
