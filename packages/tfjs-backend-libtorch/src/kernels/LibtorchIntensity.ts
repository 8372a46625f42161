/**
 * LibtorchIntensity: a chain of photometric augmentation steps in one call (native op 'intensity').
 * inputs: x (NHWC float32), values [steps, N]; attrs: black, white, codes (one per step), seeds (one per step;
 * used by noise). The step codes are those of native/kernels/intensity.cc.
 */
import { kernel } from '../kernel_utils.js';

export const libtorchIntensityConfig = kernel('LibtorchIntensity', (b, { x, values }, attrs) => {
  const codes = attrs.codes as number[];
  const seeds = attrs.seeds as number[];
  if (!Array.isArray(codes) || !Array.isArray(seeds) || codes.length !== seeds.length) {
    throw new Error('codes and seeds must be arrays with one entry per step');
  }
  for (const seed of seeds) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 53))
      throw new Error(`seed must be a whole number ≥ 0, got ${seed}`);
  }
  return b.run1(
    'intensity',
    [x!, values!],
    { black: attrs.black as number, white: attrs.white as number, codes, seeds },
    'float32',
  );
});
