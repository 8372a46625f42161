// Modality-aware augmentation: transforms, their composition, and the presets that say what each modality allows.
export { composeTransforms, type FillMode, type PipelineOptions } from './compose.js';
export {
  autoChoice,
  describeAugmentations,
  explainAuto,
  makeAugmentFn,
  planAugmentation,
  verdictText,
  type AugmentPlan,
  type AutoChoice,
  type PlanOptions,
} from './policy.js';
export { edgeShiftPixels, maxEdgeShiftPixels, SMALLEST_SIZE, scaleForSize } from './size.js';
export {
  findPreset,
  getPreset,
  listPresets,
  presetFor,
  type ModalityPreset,
  type PresetEvidence,
  type Rule,
} from './presets/index.js';
export { getTransform, listTransforms } from './transforms/index.js';
export { TRANSFORM_NAMES, type AugmentFn, type Transform, type TransformDef, type TransformName } from './types.js';
