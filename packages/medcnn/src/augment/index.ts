// Modality-aware augmentation: transforms, their composition, and the presets that say what each modality allows.
export { composeTransforms, type FillMode, type PipelineOptions } from './compose.js';
export {
  describeAugmentations,
  makeAugmentFn,
  planAugmentation,
  type AugmentPlan,
  type PlanOptions,
} from './policy.js';
export { findPreset, getPreset, listPresets, presetFor, type ModalityPreset, type Rule } from './presets/index.js';
export { getTransform, listTransforms } from './transforms/index.js';
export { TRANSFORM_NAMES, type AugmentFn, type Transform, type TransformDef, type TransformName } from './types.js';
