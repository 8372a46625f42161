import type * as tf from '@tensorflow/tfjs-core';
import type { Localized } from '../i18n/messages.js';

/** Turns a batch of images into an augmented batch (seeded by the trainer's generator). */
export type AugmentFn = (x: tf.Tensor4D, rng: () => number) => tf.Tensor4D;

/** The names of every transform medcnn knows; each modality preset must rule on all of them. */
export const TRANSFORM_NAMES = [
  'rotate',
  'translate',
  'zoom',
  'hflip',
  'vflip',
  'rot90',
  'brightness',
  'contrast',
  'gamma',
  'noise',
  'blur',
] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

/**
 * What a batch looks like to a transform. Inputs arrive normalised, so black and white are not 0 and 1:
 * with the tutorial's normalisation ((v/255 − 0.5)/0.5) black is −1 and white is +1. Intensity transforms
 * work in "fraction of full scale" units ((x − black)/(white − black) ∈ [0, 1]) and clip back to [black, white].
 */
export interface BatchInfo {
  n: number;
  height: number;
  width: number;
  channels: number;
  black: number;
  white: number;
}

/**
 * An affine map per image from output pixel to input pixel, in coordinates centred on the image:
 * x_in = a·x + b·y + c, y_in = d·x + e·y + f, as [a, b, c, d, e, f].
 */
export type Affine = [number, number, number, number, number, number];
export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** A transform that moves pixels: it only draws one affine map per image; the pipeline resamples once. */
export interface GeometricTransform {
  kind: 'geometric';
  name: TransformName;
  value: number;
  sample(info: BatchInfo, rng: () => number): Affine[];
}

/** A transform that changes pixel values in place (normalised NHWC in, same shape and range out). */
export interface IntensityTransform {
  kind: 'intensity';
  name: TransformName;
  value: number;
  apply(x: tf.Tensor4D, info: BatchInfo, rng: () => number): tf.Tensor4D;
}

/** One batch's randomness for a photometric transform: a number per image, and a seed where it needs more. */
export interface PhotometricDraw {
  values: Float32Array;
  seed: number;
}

/**
 * An intensity transform that changes each pixel by a formula with one random number per image (brightness,
 * contrast, gamma, noise). Drawing and applying are apart, so the pipeline can hand a run of them to the native
 * backend's one-call kernel (LibtorchIntensity, step `code`) after drawing each in turn; `apply` is the two in a row.
 */
export interface PhotometricTransform extends IntensityTransform {
  code: number;
  draw(info: BatchInfo, rng: () => number): PhotometricDraw;
  applyDrawn(x: tf.Tensor4D, info: BatchInfo, draw: PhotometricDraw): tf.Tensor4D;
}

export type Transform = GeometricTransform | IntensityTransform;

/** One transform in the registry: its parameter, its default and the largest value that makes sense at all. */
export interface TransformDef {
  name: TransformName;
  /** What the number after the colon means. */
  param: Localized;
  defaultValue: number;
  /** A sanity bound on the parameter (a typo guard); medical limits are the presets' business. */
  limit: number;
  summary: Localized;
  create(value: number): Transform;
}
