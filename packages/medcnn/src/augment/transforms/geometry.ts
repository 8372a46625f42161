import type { Affine } from '../types.js';

/** The affine map that applies `inner` first to the output coordinates, then `outer`: outer ∘ inner. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = outer;
  const [a2, b2, c2, d2, e2, f2] = inner;
  return [
    a1 * a2 + b1 * d2,
    a1 * b2 + b1 * e2,
    a1 * c2 + b1 * f2 + c1,
    d1 * a2 + e1 * d2,
    d1 * b2 + e1 * e2,
    d1 * c2 + e1 * f2 + f1,
  ];
}

/** Uniform draw in [−m, m]. */
export function symmetric(rng: () => number, m: number): number {
  return (rng() * 2 - 1) * m;
}

/** Per-image maps built by `draw`, one rng stream, images in order. */
export function perImage(n: number, draw: () => Affine): Affine[] {
  return Array.from({ length: n }, draw);
}
