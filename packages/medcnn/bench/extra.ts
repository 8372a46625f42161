import { benchAugment } from './augment-bench.js';

/** Benchmarks that other parts of medcnn add, run once per backend: the cost of on-the-fly augmentation. */
export async function runExtraBenches(_backend: string, log: (line: string) => void): Promise<void> {
  await benchAugment({ log });
}
