import { MINUS_ONE_TO_ONE, type Normalization } from '../../data/batch.js';

/** A known pretrained backbone: where to get it and how it wants its pixels. */
export interface BackboneEntry {
  name: string;
  title: string;
  /** model.json of a TF.js layers model without its classifier. */
  url: string;
  /** Folder name of a local copy under a pretrained root (MEDCNN_PRETRAINED, ~/.medcnn/pretrained). */
  folder: string;
  /** The input side it was trained at. */
  inputSize: number;
  /** Its own preprocessing, as x = (v/255 − mean) / std. */
  normalization: Normalization;
  /** A sensible working size for MedMNIST's small images (a smaller rebuild, same weights). */
  defaultInputSize: number;
  paper: string;
}

const registry = new Map<string, BackboneEntry>();

/** Adds a backbone to the registry. */
export function registerBackbone(entry: BackboneEntry): void {
  registry.set(entry.name, entry);
}

/** Every known backbone. */
export function listBackbones(): BackboneEntry[] {
  return [...registry.values()];
}

/** A known backbone by name, or undefined. */
export function findBackbone(name: string): BackboneEntry | undefined {
  return registry.get(name.toLowerCase());
}

/** A known backbone whose local folder has this name (so a folder passed by path gets its preprocessing). */
export function backboneByFolder(folder: string): BackboneEntry | undefined {
  return [...registry.values()].find((e) => e.folder === folder);
}

registerBackbone({
  name: 'mobilenet_v2_0.35',
  title: 'MobileNetV2 (width 0.35), ImageNet',
  url: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
  folder: 'mobilenet_v2_0.35_imagenet_notop',
  inputSize: 224,
  normalization: MINUS_ONE_TO_ONE,
  defaultInputSize: 96,
  paper: 'Sandler, Howard, Zhu, Zhmoginov, Chen. MobileNetV2: inverted residuals and linear bottlenecks. CVPR 2018',
});
