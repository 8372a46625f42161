/** LibtorchRandomNormal: standard normal numbers of a shape from a seed (native op 'random_normal'). */
import { kernel } from '../kernel_utils.js';

export const libtorchRandomNormalConfig = kernel('LibtorchRandomNormal', (b, _inputs, attrs) => {
  const seed = attrs.seed as number;
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 53))
    throw new Error(`seed must be a whole number ≥ 0, got ${seed}`);
  return b.run1('random_normal', [], { seed, shape: attrs.shape as number[] }, 'float32');
});
