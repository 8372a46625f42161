// Prints the cost of on-the-fly augmentation against a SimpleCNN training step: node dist/bench/augment.js [backend]
import { benchAugment } from './augment-bench.js';

await benchAugment({ backend: process.argv[2] ?? 'auto' });
