// Every trainable model: the registry architectures (one file each; importing a file registers it) and the
// pretrained backbones, built through one factory (create.ts).
// Memory-lean SiLU and GELU in place of tfjs-layers' (activations.ts), before any model is built.
import './activations.js';
import './simplecnn.js';
import './lenet5.js';
import './alexnet.js';
import './vgg.js';
import './resnet.js';
import './densenet.js';
import './mobilenet_v2.js';
import './efficientnet.js';
import './vit.js';

export { countMultiplyAdds, countParams } from './common.js';
export {
  createTrainable,
  type FrozenPart,
  type TrainableModel,
  type TrainableSpec,
  type TransferRecord,
  transferModelName,
} from './create.js';
export { applyForTraining, graphLayers, isConvLayer, runGraph } from './graph.js';
export { loadModel, readModelFiles, saveModel } from './io.js';
export { type ChannelNormalization, checkChannelNormalization, onnxSidecarPath } from './onnx/backbone.js';
export { type BackboneEntry, findBackbone, listBackbones } from './pretrained/backbones.js';
export { type LoadedBackbone, loadBackbone, pretrainedRoots } from './pretrained/load.js';
export { backboneBlocks, type FreezePlan } from './pretrained/transfer-model.js';
export {
  createModel,
  getModelEntry,
  listModels,
  type ModelEntry,
  type ModelOptions,
  registerModel,
} from './registry.js';
