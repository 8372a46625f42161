import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../resizing-fix.js';
import { MINUS_ONE_TO_ONE, type Normalization } from '../../data/batch.js';
import { MedcnnError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { backboneByFolder, findBackbone, listBackbones } from './backbones.js';
import { type ChannelNormalization, loadOnnxBackbone } from '../onnx/backbone.js';

/** A pretrained backbone ready to be built into a model. */
export interface LoadedBackbone {
  /** The registry name, or the folder/file name it came from. */
  name: string;
  /** Where it came from (a path or a URL), as recorded in config.json. */
  source: string;
  model: tfl.LayersModel;
  inputSize: number;
  channels: number;
  normalization: Normalization;
  /** How pixels become its input, when more than `normalization` says (an ONNX backbone's per-channel one). */
  preprocessing?: string;
}

interface ModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Where named backbones are looked for before downloading: MEDCNN_PRETRAINED (':'-separated), then ~/.medcnn/pretrained. */
export function pretrainedRoots(): string[] {
  const env = process.env.MEDCNN_PRETRAINED?.split(path.delimiter).filter(Boolean) ?? [];
  return [...env, path.join(os.homedir(), '.medcnn', 'pretrained')];
}

/**
 * Loads a pretrained TF.js layers model as a backbone from a folder, a model.json path, an http(s) URL or a
 * registry name, rebuilt for `inputSize`×`inputSize` inputs (its convolutions do not depend on the size,
 * so the same weights load). A named backbone is downloaded once into ~/.medcnn/pretrained.
 */
export async function loadBackbone(
  spec: string,
  inputSize?: number,
  preprocessing?: ChannelNormalization,
): Promise<LoadedBackbone> {
  // An ONNX file (PyTorch, timm…): converted to TF.js layers.
  if (/\.onnx$/i.test(spec) && !/^https?:\/\//i.test(spec)) {
    if (!fs.existsSync(spec))
      throw new MedcnnError(`--pretrained: ${spec} does not exist.`, `--pretrained: ${spec} がありません。`);
    return checkBackbone(loadOnnxBackbone(spec, inputSize, preprocessing));
  }
  const entry = findBackbone(spec);
  let source: string;
  let files: { json: ModelJson; weights: Uint8Array[] };
  let name: string;
  if (/^https?:\/\//i.test(spec)) {
    source = spec.endsWith('.json') ? spec : `${spec.replace(/\/$/, '')}/model.json`;
    files = await fetchModel(source);
    name = path.basename(path.dirname(new URL(source).pathname)) || 'backbone';
  } else if (fs.existsSync(spec)) {
    source = path.resolve(spec.endsWith('.json') ? spec : path.join(spec, 'model.json'));
    files = readModel(source);
    name = path.basename(path.dirname(source));
  } else if (entry) {
    const local = pretrainedRoots()
      .map((r) => path.join(r, entry.folder, 'model.json'))
      .find((f) => fs.existsSync(f));
    if (local) {
      source = local;
      files = readModel(local);
    } else {
      source = entry.url;
      files = await fetchModel(entry.url);
      saveCopy(path.join(pretrainedRoots().at(-1)!, entry.folder), files);
    }
    name = entry.name;
  } else {
    const known = listBackbones()
      .map((b) => b.name)
      .join(', ');
    throw new MedcnnError(
      `--pretrained '${spec}' is neither a file, a folder, an http(s) URL nor a known backbone. ` +
        `Known backbones: ${known}. Pass a folder holding model.json + weights.bin.`,
      `--pretrained '${spec}' はファイルでもフォルダでも http(s) の URL でもなく、既知のバックボーンでもありません。` +
        `既知のバックボーン: ${known}。model.json と weights.bin のあるフォルダを指定してください。`,
    );
  }
  const known = entry ?? listBackbones().find((e) => e.url === source) ?? backboneByFolder(name);
  if (known) name = known.name;
  const model = await buildAtSize(files, inputSize, source);
  return checkBackbone({
    name,
    source,
    model,
    inputSize: model.inputs[0].shape[1] as number,
    channels: model.inputs[0].shape[3] as number,
    normalization: known?.normalization ?? MINUS_ONE_TO_ONE,
  });
}

/** A backbone maps one image to one feature map [batch, h, w, c]; anything else is a clear error. */
function checkBackbone(b: LoadedBackbone): LoadedBackbone {
  const { model, source } = b;
  const shape = model.inputs[0].shape;
  const out = model.outputs[0].shape;
  const dims = (d: (number | null)[]): string => d.map((n) => n ?? 'batch').join(', ');
  if (model.inputs.length !== 1 || shape.length !== 4 || model.outputs.length !== 1 || out.length !== 4) {
    model.dispose();
    throw new MedcnnError(
      `${source} is not a backbone: it maps [${dims(shape)}] to [${dims(out)}]. --pretrained needs an image network ` +
        `without its classifier, whose output is a feature map [batch, height, width, channels] (e.g. mobilenet_v2_0.35).`,
      `${source} はバックボーンではありません: [${dims(shape)}] を [${dims(out)}] に変換します。--pretrained には、` +
        `分類器を除いた画像用ネットワークで、出力が特徴マップ [バッチ, 高さ, 幅, チャネル] のものが必要です（例: mobilenet_v2_0.35）。`,
    );
  }
  return b;
}

function readModel(jsonPath: string): { json: ModelJson; weights: Uint8Array[] } {
  const json = parseModelJson(fs.readFileSync(jsonPath, 'utf8'), jsonPath);
  const dir = path.dirname(jsonPath);
  const weights = json.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => {
      const file = path.join(dir, p);
      if (!fs.existsSync(file))
        throw new MedcnnError(
          `Weights file ${file} is missing; the pretrained model is incomplete.`,
          `重みファイル ${file} がありません。事前学習済みモデルがそろっていません。`,
        );
      return new Uint8Array(fs.readFileSync(file));
    });
  return { json, weights };
}

async function fetchModel(url: string): Promise<{ json: ModelJson; weights: Uint8Array[] }> {
  const get = async (u: string): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(u);
    } catch (e) {
      throw new MedcnnError(
        `Cannot download ${u}: ${(e as Error).message}. Check the network, or pass a local folder with --pretrained.`,
        `${u} をダウンロードできません: ${(e as Error).message}。ネットワークを確認するか、--pretrained に手元のフォルダを指定してください。`,
      );
    }
    if (!res.ok)
      throw new MedcnnError(
        `Cannot download ${u}: HTTP ${res.status}. Check the URL, or pass a local folder with --pretrained.`,
        `${u} をダウンロードできません: HTTP ${res.status}。URL を確認するか、--pretrained に手元のフォルダを指定してください。`,
      );
    return res;
  };
  const json = parseModelJson(await (await get(url)).text(), url);
  const weights: Uint8Array[] = [];
  for (const p of json.weightsManifest.flatMap((g) => g.paths))
    weights.push(new Uint8Array(await (await get(new URL(p, url).href)).arrayBuffer()));
  return { json, weights };
}

function parseModelJson(text: string, where: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new MedcnnError(
      `${where} is not valid JSON (${(e as Error).message}); the pretrained model is damaged.`,
      `${where} は正しい JSON ではありません（${(e as Error).message}）。事前学習済みモデルが壊れています。`,
    );
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new MedcnnError(
      `${where} is not a TF.js layers model (no modelTopology/weightsManifest). Graph models cannot be fine-tuned; pass a layers model.`,
      `${where} は TF.js の layers モデルではありません（modelTopology/weightsManifest がありません）。graph モデルはファインチューニングできないので、layers モデルを指定してください。`,
    );
  }
  return json;
}

/** Keeps a downloaded backbone for next time (best effort: a read-only home only costs a new download). */
function saveCopy(dir: string, files: { json: ModelJson; weights: Uint8Array[] }): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const paths = files.json.weightsManifest.flatMap((g) => g.paths);
    paths.forEach((p, i) => writeFileAtomic(path.join(dir, path.basename(p)), files.weights[i]));
    const json = {
      ...files.json,
      weightsManifest: files.json.weightsManifest.map((g) => ({ ...g, paths: g.paths.map((p) => path.basename(p)) })),
    };
    writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json));
  } catch {
    // not cached; the model in memory is still good
  }
}

/** The model's topology with every input layer set to size×size, then built and given the saved weights. */
async function buildAtSize(
  files: { json: ModelJson; weights: Uint8Array[] },
  size: number | undefined,
  source: string,
): Promise<tfl.LayersModel> {
  const topology = structuredClone(files.json.modelTopology) as {
    model_config?: { config: { layers: LayerJson[] } };
    config?: { layers: LayerJson[] };
  };
  const layers = (topology.model_config ?? topology).config?.layers;
  if (!Array.isArray(layers))
    throw new MedcnnError(
      `${source} has no layer list; it is not a functional or sequential layers model.`,
      `${source} には層のリストがありません。functional または sequential の layers モデルではありません。`,
    );
  if (size !== undefined) {
    if (!Number.isInteger(size) || size < 32 || size > 512)
      throw new MedcnnError(
        `--input-size must be a whole number from 32 to 512, got ${size}.`,
        `--input-size は 32 から 512 までの整数にしてください（指定値: ${size}）。`,
      );
    let found = false;
    for (const l of layers) {
      const shape = l.config.batch_input_shape ?? l.config.batchInputShape;
      if (Array.isArray(shape) && shape.length === 4) {
        shape[1] = size;
        shape[2] = size;
        found = true;
      }
    }
    if (!found)
      throw new MedcnnError(
        `${source} declares no image input shape, so it cannot be rebuilt for --input-size ${size}.`,
        `${source} には画像入力の形が宣言されていないため、--input-size ${size} 用に再構築できません。`,
      );
  }
  const specs = files.json.weightsManifest.flatMap((g) => g.weights);
  const all = Buffer.concat(files.weights.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (all.length !== expected)
    throw new MedcnnError(
      `The weights of ${source} have ${all.length} bytes, the model needs ${expected}; the files are damaged or truncated.`,
      `${source} の重みは ${all.length} バイトですが、モデルには ${expected} バイト必要です。ファイルが壊れているか途中で切れています。`,
    );
  try {
    return await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      }),
    );
  } catch (e) {
    throw new MedcnnError(
      `Cannot build ${source} at ${size ?? 'its'} input size: ${(e as Error).message}`,
      `${source} を${size === undefined ? '元の' : ` ${size} の`}入力サイズで構築できません: ${(e as Error).message}`,
    );
  }
}

interface LayerJson {
  class_name: string;
  config: { batch_input_shape?: (number | null)[]; batchInputShape?: (number | null)[] };
}
