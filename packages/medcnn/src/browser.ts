/**
 * The part of medcnn that runs in a browser (no Node APIs): image preprocessing shared with the CLI,
 * probabilities, Grad-CAM and the feature-map stages. Importing it also fixes tfjs' Resizing layer, which
 * transfer models need before they load, and registers the transformer layers a saved ViT names.
 */
import './models/resizing-fix.js';
import './models/activations.js';
import './models/transformer-layers.js';

export { MedcnnError } from './errors.js';
export { isMultiLabel, type Task } from './data/dataset-info.js';
export type { Normalization } from './data/batch.js';
export type { RunConfig } from './runfolder/config.js';
export {
  type Fit,
  fitPixels,
  imageHeader,
  imageSizeProblem,
  modelPixels,
  normalizePixels,
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_SIDE,
} from './data/pixels.js';
export { probabilities } from './train/loss.js';
export { decideClasses } from './metrics/decide.js';
export { gradCam, gradCamLayer, upsampleMap, type GradCamResult } from './explain/gradcam.js';
export {
  firstLayerFilters,
  featureMapBlocks,
  type FirstFilters,
  type AnatomyBlock,
  type Stage,
} from './explain/anatomy.js';
