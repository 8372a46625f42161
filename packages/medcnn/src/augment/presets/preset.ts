import type { Modality } from '../../data/dataset-info.js';
import type { FillMode } from '../compose.js';
import type { TransformName } from '../types.js';

/** A modality's ruling on one transform: refused with the reason, or allowed (up to `max`) with the reason. */
export type Rule = { allowed: false; why: string } | { allowed: true; max?: number; why: string };

/** What augmentation keeps the diagnosis of one imaging modality intact, and why. */
export interface ModalityPreset {
  modality: Modality;
  title: { en: string; ja: string };
  /** The transforms `--augment auto` uses, as a list string. */
  transforms: string;
  fill: FillMode;
  /** One paragraph on the choice, for `--augment list` and the preview. */
  why: string;
  /** A ruling on every transform, so nothing is allowed by omission. */
  rules: Record<TransformName, Rule>;
}
