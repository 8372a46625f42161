import type * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';

/** What every model is built from: the image it sees and the classes it tells apart. */
export interface ModelOptions {
  /** [height, width, channels] */
  inputShape: [number, number, number];
  numClasses: number;
}

/** One architecture in the registry, with the history the tutorial tells about it. */
export interface ModelEntry {
  name: string;
  title: string;
  year: number;
  paper: string;
  /** One line on what it introduced, in English and Japanese. */
  introduced: { en: string; ja: string };
  /** Builds the model; its last layer outputs logits (no softmax/sigmoid). */
  create(opts: ModelOptions): tfl.LayersModel;
}

const registry = new Map<string, ModelEntry>();

/** Adds an architecture to the registry (each model file calls this once). */
export function registerModel(entry: ModelEntry): void {
  registry.set(entry.name, entry);
}

/** Every registered architecture, in the order they were registered. */
export function listModels(): ModelEntry[] {
  return [...registry.values()];
}

/** Looks up an architecture by name, or throws a MedcnnError listing the known ones. */
export function getModelEntry(name: string): ModelEntry {
  const entry = registry.get(name.toLowerCase());
  if (!entry) {
    throw new MedcnnError(
      `Unknown model '${name}'. Known models: ${[...registry.keys()].join(', ')} (see 'medcnn models').`,
      `モデル '${name}' はありません。使えるモデル: ${[...registry.keys()].join(', ')}（'medcnn models' を参照）。`,
    );
  }
  return entry;
}

/** Builds a registered model by name. */
export function createModel(name: string, opts: ModelOptions): tfl.LayersModel {
  return getModelEntry(name).create(opts);
}
