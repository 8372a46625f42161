import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MedcnnError } from '../errors.js';
// Saved transfer models resize inside the graph; tfjs-layers 4.22 needs this fix to load them.
import './resizing-fix.js';
// Memory-lean SiLU and GELU under tfjs' names; a saved ViT names medcnn's own transformer layers.
import './activations.js';
import './transformer-layers.js';
// A saved Dropout loads into medcnn's, whose mask the native backend draws (a captured step replays it).
import './dropout.js';

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
        // A diverged model is never saved: it would be loaded later as if it were a model.
        const bad = nonFiniteWeight(artifacts.weightSpecs ?? [], weights);
        if (bad) throw diverged(dir, bad);
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

/** A model.json read and checked: its topology, weight specs, and the weight files it names, inside its folder. */
export interface ModelFiles {
  jsonPath: string;
  dir: string;
  modelTopology: object;
  specs: tf.io.WeightsManifestEntry[];
  /** The weight files, in order, as model.json names them (relative to dir) and as checked absolute paths. */
  weightPaths: { name: string; file: string }[];
}

/**
 * Reads a model folder's model.json (or a model.json path) and checks every weight file it names: a relative
 * path that stays inside the folder (symbolic links included), never an absolute one or one that climbs out.
 * A weight file that is missing is an error unless `allowMissing` (a server lets the page say so).
 */
export function readModelFiles(where: string, opts: { allowMissing?: boolean } = {}): ModelFiles {
  const jsonPath = where.endsWith('.json') ? where : path.join(where, 'model.json');
  if (!fs.existsSync(jsonPath))
    throw new MedcnnError(
      `No model at ${jsonPath}: is this a medcnn run folder?`,
      `${jsonPath} にモデルがありません。medcnn の実行フォルダを指定しましたか？`,
    );
  let json: { modelTopology?: unknown; weightsManifest?: unknown } | null;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new MedcnnError(
      `${jsonPath} is not valid JSON (${(e as Error).message}); the model files are damaged.`,
      `${jsonPath} は正しい JSON ではありません（${(e as Error).message}）。モデルのファイルが壊れています。`,
    );
  }
  if (typeof json?.modelTopology !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new MedcnnError(
      `${jsonPath} is not a TF.js layers model (no modelTopology/weightsManifest).`,
      `${jsonPath} は TF.js の layers モデルではありません（modelTopology/weightsManifest がありません）。`,
    );
  }
  const dir = path.dirname(jsonPath);
  const realDir = fs.realpathSync(dir);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const weightPaths: ModelFiles['weightPaths'] = [];
  for (const group of json.weightsManifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      throw new MedcnnError(
        `${jsonPath} has a weightsManifest entry without paths and weights; the model files are damaged.`,
        `${jsonPath} の weightsManifest に paths と weights のない項目があります。モデルのファイルが壊れています。`,
      );
    for (const w of group.weights as Partial<tf.io.WeightsManifestEntry>[]) {
      if (
        typeof w?.name !== 'string' ||
        !Array.isArray(w.shape) ||
        !w.shape.every((d) => Number.isInteger(d) && d >= 0)
      )
        throw new MedcnnError(
          `${jsonPath} has a weight without a name or a valid shape; the model files are damaged.`,
          `${jsonPath} に、名前または正しい形（shape）のない重みがあります。モデルのファイルが壊れています。`,
        );
      specs.push(w as tf.io.WeightsManifestEntry);
    }
    for (const name of group.paths as unknown[]) {
      const outside = (): MedcnnError =>
        new MedcnnError(
          `${jsonPath} names the weights file ${JSON.stringify(name)}, which is not inside ${dir}; a model may only name files in its own folder. The model files are damaged or were tampered with: save the model again.`,
          `${jsonPath} が指定する重みファイル ${JSON.stringify(name)} は ${dir} の中にありません。モデルが指定できるのは自分のフォルダ内のファイルだけです。モデルのファイルが壊れているか、改ざんされています。モデルを保存し直してください。`,
        );
      if (typeof name !== 'string' || name === '' || path.isAbsolute(name) || path.win32.isAbsolute(name))
        throw outside();
      const file = path.resolve(dir, name);
      if (!file.startsWith(path.resolve(dir) + path.sep)) throw outside();
      if (fs.existsSync(file)) {
        if (!fs.realpathSync(file).startsWith(realDir + path.sep)) throw outside();
      } else if (!opts.allowMissing) {
        throw new MedcnnError(
          `Weights file ${file} is missing; the model files are incomplete.`,
          `重みファイル ${file} がありません。モデルのファイルがそろっていません。`,
        );
      }
      weightPaths.push({ name, file });
    }
  }
  return { jsonPath, dir, modelTopology: json.modelTopology, specs, weightPaths };
}

/** The first float32 weight that is NaN or infinite, or null when all are finite. */
function nonFiniteWeight(specs: tf.io.WeightsManifestEntry[], data: Uint8Array): string | null {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * (spec.dtype === 'int32' || spec.dtype === 'float32' ? 4 : 1);
    if (spec.dtype === 'float32') {
      const at = data.byteOffset + offset;
      const values =
        at % 4 === 0
          ? new Float32Array(data.buffer, at, count)
          : new Float32Array(data.slice(offset, offset + bytes).buffer);
      for (let i = 0; i < count; i++) if (!Number.isFinite(values[i])) return spec.name;
    }
    offset += bytes;
  }
  return null;
}

const diverged = (where: string, weight: string): MedcnnError =>
  new MedcnnError(
    `The model in ${where} has non-finite weights (NaN or infinity, first in ${weight}): its training diverged. Train it again with a lower --lr (10 times lower, say).`,
    `${where} のモデルには有限でない重み（NaN または無限大。最初は ${weight}）があります。学習が発散しています。--lr を下げて（たとえば 10 分の 1 に）学習し直してください。`,
  );

/** Loads a TF.js layers model from a folder (or a model.json path) on disk. */
export async function loadModel(where: string): Promise<tfl.LayersModel> {
  const { dir, modelTopology, specs, weightPaths } = readModelFiles(where);
  const all = Buffer.concat(
    weightPaths.map(({ file }) => {
      try {
        return fs.readFileSync(file);
      } catch (e) {
        throw new MedcnnError(
          `Cannot read the weights file ${file}: ${(e as NodeJS.ErrnoException).code}.`,
          `重みファイル ${file} を読み込めません: ${(e as NodeJS.ErrnoException).code}。`,
        );
      }
    }),
  );
  const expected = specs.reduce(
    (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'int32' || s.dtype === 'float32' ? 4 : 1),
    0,
  );
  if (all.length !== expected) {
    throw new MedcnnError(
      `Weights in ${dir} have ${all.length} bytes, the model needs ${expected}; the files are damaged or truncated.`,
      `${dir} の重みは ${all.length} バイトですが、モデルには ${expected} バイト必要です。ファイルが壊れているか途中で切れています。`,
    );
  }
  const bad = nonFiniteWeight(specs, all);
  if (bad) throw diverged(dir, bad);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs: specs, weightData }));
  } catch (e) {
    throw new MedcnnError(
      `Cannot load the model in ${dir}: ${(e as Error).message}`,
      `${dir} のモデルを読み込めません: ${(e as Error).message}`,
    );
  }
}
