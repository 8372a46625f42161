// Importing a model file registers it. Add new architectures here, one file each.
import './simplecnn.js';
import './lenet5.js';
import './alexnet.js';
import './vgg.js';
import './resnet.js';

export { createModel, getModelEntry, listModels, registerModel } from './registry.js';
export type { ModelEntry, ModelOptions } from './registry.js';
export { countMultiplyAdds, countParams } from './common.js';
