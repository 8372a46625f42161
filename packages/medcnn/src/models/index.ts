// Importing a model file registers it. Add new architectures here, one file each.
import './simplecnn.js';

export { createModel, getModelEntry, listModels, registerModel } from './registry.js';
export type { ModelEntry, ModelOptions } from './registry.js';
