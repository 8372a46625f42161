/**
 * A benchmark figure measured in a fresh process, as PyTorch's always are: in one process, later rounds find
 * oneDNN's kernels compiled and the allocator warm, and flatter us.
 */
import { spawnSync } from 'node:child_process';

/** Runs `script args` in a fresh Node process; its last stdout line is {"samplesPerSecond": n}. */
export function samplesPerSecondInChild(script: string, args: string[], what: string): number {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env } });
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { samplesPerSecond: number }).samplesPerSecond;
  } catch {
    throw new Error(`${what} failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
  }
}
