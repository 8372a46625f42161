/**
 * LibtorchDropoutMask: tfjs' dropout multiplier of a shape — 0 with probability 1 − keep, else 1/keep — drawn
 * from the backend's own generator (setRandomSeed), not from JavaScript, so that a captured training step with
 * dropout replays its draws natively (native op 'dropout_mask').
 */
import { kernel } from '../kernel_utils.js';

export const libtorchDropoutMaskConfig = kernel('LibtorchDropoutMask', (b, _inputs, attrs) => {
  const keep = attrs.keep as number;
  if (!(keep > 0 && keep <= 1)) throw new Error(`keep must be in (0, 1], got ${keep}`);
  return b.run1('dropout_mask', [], { keep, shape: attrs.shape as number[] }, 'float32');
});
