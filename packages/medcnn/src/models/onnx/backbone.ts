import fs from 'node:fs';
import path from 'node:path';
import type { LoadedBackbone } from '../pretrained/load.js';
import { MedcnnError } from '../../errors.js';
import { onnxToLayersModel } from './from-onnx.js';

/** Per-channel preprocessing of a backbone, as torchvision writes it: x = (v/255 − mean) / std. */
export interface ChannelNormalization {
  mean: number[];
  std: number[];
}

/** The sidecar of an ONNX backbone: resnet18.onnx → resnet18.json, holding {"mean": [...], "std": [...]}. */
export function onnxSidecarPath(file: string): string {
  return `${file.replace(/\.onnx$/i, '')}.json`;
}

/** Reads and checks a preprocessing: one value or one per channel, std > 0 (a clear error otherwise). */
export function checkChannelNormalization(value: unknown, where: string): ChannelNormalization {
  const v = value as Partial<ChannelNormalization> | null;
  const ok = (a: unknown, positive: boolean) =>
    Array.isArray(a) &&
    (a.length === 1 || a.length === 3) &&
    a.every((n) => typeof n === 'number' && Number.isFinite(n) && (!positive || n > 0));
  if (!ok(v?.mean, false) || !ok(v?.std, true))
    throw new MedcnnError(
      `${where}: the preprocessing needs "mean" and "std", each 1 or 3 numbers on the 0–1 scale, std > 0 (ImageNet: mean 0.485,0.456,0.406, std 0.229,0.224,0.225).`,
      `${where}: 前処理には "mean" と "std" が必要です。どちらも 0〜1 の尺度で 1 個か 3 個の数、std は 0 より大きく（ImageNet: mean 0.485,0.456,0.406、std 0.229,0.224,0.225）。`,
    );
  return { mean: v!.mean!, std: v!.std! };
}

/**
 * Loads an ONNX classification network as a backbone: converted to TF.js layers, its classifier cut off, its
 * preprocessing (from `preprocessing`, else the sidecar) done inside the model by a frozen 1×1 layer, so the
 * model takes pixels / 255.
 */
export function loadOnnxBackbone(
  file: string,
  inputSize: number | undefined,
  preprocessing?: ChannelNormalization,
): LoadedBackbone {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MedcnnError(
      `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code}.`,
      `${file} を読み込めません: ${(e as NodeJS.ErrnoException).code}。`,
    );
  }
  let norm = preprocessing;
  if (!norm) {
    const side = onnxSidecarPath(file);
    if (!fs.existsSync(side))
      throw new MedcnnError(
        `${file} needs its preprocessing: pass --mean and --std (torchvision's ImageNet models: --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225), or put them in ${side} as {"mean": [...], "std": [...]}.`,
        `${file} の前処理が必要です。--mean と --std を指定するか（torchvision の ImageNet モデル: --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225）、${side} に {"mean": [...], "std": [...]} として書いてください。`,
      );
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(side, 'utf8'));
    } catch (e) {
      throw new MedcnnError(
        `${side} is not valid JSON (${(e as Error).message}).`,
        `${side} は正しい JSON ではありません（${(e as Error).message}）。`,
      );
    }
    norm = checkChannelNormalization(json, side);
  }
  if (inputSize !== undefined && (!Number.isInteger(inputSize) || inputSize < 32 || inputSize > 512))
    throw new MedcnnError(
      `--input-size must be a whole number from 32 to 512, got ${inputSize}.`,
      `--input-size は 32 から 512 までの整数にしてください（指定値: ${inputSize}）。`,
    );
  const source = path.resolve(file);
  const converted = onnxToLayersModel(bytes, source, { inputSize, normalize: norm });
  const fmt = (v: number[]) => (v.length === 1 ? String(v[0]) : `[${v.join(', ')}]`);
  return {
    name: path.basename(file).replace(/\.onnx$/i, ''),
    source,
    model: converted.model,
    inputSize: converted.inputSize,
    channels: converted.channels,
    // The model takes v/255; the backbone's own normalisation is its first (frozen) layer.
    normalization: { mean: 0, std: 1 },
    preprocessing: `x = (v/255 − ${fmt(norm.mean)}) / ${fmt(norm.std)} per channel, inside the model (layer onnx_normalize)`,
  };
}
