/**
 * Faster gradients on libtorch. tfjs gradients are registered per kernel for all backends, so
 * an override keeps the original and uses it whenever the active backend is not libtorch.
 */
import {
  getBackend,
  getGradient,
  registerGradient,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

type GradFunc = NonNullable<GradConfig['gradFunc']>;

/** Replaces kernelName's gradient on libtorch with `fast`; no-op when tfjs has no gradient for it. */
export function overrideGradient(
  kernelName: string,
  fast: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => ReturnType<GradFunc>,
): void {
  const original = getGradient(kernelName);
  if (!original?.gradFunc) return;
  const fallback = original.gradFunc;
  // Mark ours so a second registration does not wrap it again.
  if ((fallback as { libtorch?: boolean }).libtorch) return;
  const gradFunc: GradFunc = (dy, saved, attrs) =>
    getBackend() === 'libtorch' ? fast(dy, saved, attrs) : fallback(dy, saved, attrs);
  (gradFunc as { libtorch?: boolean }).libtorch = true;
  const silence = console.warn;
  console.warn = () => {}; // tfjs warns on every gradient override
  try {
    registerGradient({ ...original, gradFunc });
  } finally {
    console.warn = silence;
  }
}
