import * as tf from '@tensorflow/tfjs-core';

/** A small fast seeded PRNG (mulberry32): the same seed gives the same stream on every machine. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds everything that draws random numbers without a seed of its own. TF.js's initialisers and
 * dropout fall back to Math.random for their seeds, so Math.random itself is made seeded. On the libtorch
 * backend dropout masks come from the backend's own generator (models/dropout.ts), which is seeded too: call
 * this once the engine is chosen.
 */
export function seedEverything(seed: number): void {
  Math.random = makeRng(seed ^ 0x5eed);
  // backendName, unlike getBackend(), starts no backend.
  if (tf.engine().backendName === 'libtorch')
    (tf.engine().backend as unknown as { setRandomSeed(seed: number): void }).setRandomSeed(seed >>> 0);
}

/**
 * The seed of rank `rank` of a data-parallel job: rank 0 keeps the run's, every other rank gets one of its own, so
 * that the ranks draw different dropout masks and augmentations (with the run's seed on every rank, each drew the
 * same masks as rank 0, on other images).
 */
export function rankSeed(seed: number, rank: number): number {
  return rank === 0 ? seed : seed + 7919 * rank;
}

/** Fisher–Yates shuffle of 0..n-1 with the given generator. */
export function shuffledIndices(n: number, rng: () => number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}
