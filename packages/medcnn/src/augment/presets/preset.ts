import type { Modality } from '../../data/dataset-info.js';
import type { Localized } from '../../i18n/messages.js';
import type { FillMode } from '../compose.js';
import type { TransformName } from '../types.js';

/**
 * A modality's ruling on one transform: refused with the reason, or allowed (up to `max`) with the reason.
 * The reason is a clause in each language (no final full stop), quoted in refusals.
 */
export type Rule = { allowed: false; why: Localized } | { allowed: true; max?: number; why: Localized };

/**
 * What is known about whether a preset helps: measured (where, how, and the figure), or unmeasured. `auto` applies
 * the whole preset only where it was measured to help; elsewhere it applies the conservative subset (policy.ts).
 */
export type PresetEvidence =
  | { verdict: 'unmeasured' }
  | {
      verdict: 'helps' | 'hurts' | 'no clear difference';
      /** The image size it was measured at, in pixels. */
      size: number;
      /** The data set, model, seeds and the figure, as one sentence in each language. */
      source: Localized;
    };

/** What augmentation keeps the diagnosis of one imaging modality intact, and why. */
export interface ModalityPreset {
  modality: Modality;
  title: Localized;
  /** The transforms `--augment auto` uses, as a list string. */
  transforms: string;
  fill: FillMode;
  /** One paragraph on the choice, for `--augment list` and the preview. */
  why: Localized;
  /** Whether the preset was measured to help, and where; `auto` trusts only a measured 'helps'. */
  evidence: PresetEvidence;
  /** A ruling on every transform, so nothing is allowed by omission. */
  rules: Record<TransformName, Rule>;
}
