import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';
// Saved transfer models resize inside the graph; tfjs-layers 4.22 needs this fix to load them.
import './resizing-fix.js';

/**
 * Saves a model in the TF.js layers format (model.json + weights.bin), which a browser loads unchanged.
 * The folder is written under a temporary name and renamed, so it is never half-written.
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = artifacts.weightData!;
        const weights = Array.isArray(data)
          ? new Uint8Array(Buffer.concat(data.map((b) => new Uint8Array(b))))
          : new Uint8Array(data);
        const json = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
          convertedBy: 'medcnn',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        };
        fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(json));
        fs.writeFileSync(path.join(tmp, 'weights.bin'), weights);
        return {
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength },
        };
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Loads a TF.js layers model from a folder (or a model.json path) on disk. */
export async function loadModel(where: string): Promise<tfl.LayersModel> {
  const jsonPath = where.endsWith('.json') ? where : path.join(where, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new MedcnnError(`No model at ${jsonPath}: is this a medcnn run folder?`);
  let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new MedcnnError(`${jsonPath} is not valid JSON (${(e as Error).message}); the model files are damaged.`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new MedcnnError(`${jsonPath} is not a TF.js layers model (no modelTopology/weightsManifest).`);
  }
  const dir = path.dirname(jsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.join(dir, p);
      if (!fs.existsSync(file))
        throw new MedcnnError(`Weights file ${file} is missing; the model files are incomplete.`);
      chunks.push(fs.readFileSync(file));
    }
  }
  const all = Buffer.concat(chunks);
  const expected = specs.reduce(
    (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'int32' || s.dtype === 'float32' ? 4 : 1),
    0,
  );
  if (all.length !== expected) {
    throw new MedcnnError(
      `Weights in ${dir} have ${all.length} bytes, the model needs ${expected}; the files are damaged or truncated.`,
    );
  }
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  try {
    return await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
    );
  } catch (e) {
    throw new MedcnnError(`Cannot load the model in ${dir}: ${(e as Error).message}`);
  }
}
