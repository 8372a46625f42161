import fs from 'node:fs';
import { isMultiLabel, type DatasetInfo, type ImageSize, type Split } from './dataset-info.js';
import { MedcnnError } from '../errors.js';
import { parseNpy } from './npy.js';
import { ZipFile } from './zip.js';
import { datasetPath } from './root.js';

/** One split of a dataset in memory: uint8 images (N,H,W,C) and uint8 labels (N,L). */
export interface SplitData {
  split: Split;
  count: number;
  height: number;
  width: number;
  channels: number;
  images: Uint8Array;
  /** Labels per sample: 1 column for binary/multi-class/ordinal, one per label for multi-label. */
  labelWidth: number;
  labels: Uint8Array;
}

/** Reads the given splits of a MedMNIST npz file, checking keys, dtypes and shapes. */
export function readSplits(file: string, splits: Split[], info?: DatasetInfo): SplitData[] {
  const zip = ZipFile.open(file);
  try {
    const members = [...zip.entries.keys()];
    return splits.map((split) => {
      const imgKey = `${split}_images.npy`;
      const labKey = `${split}_labels.npy`;
      for (const k of [imgKey, labKey]) {
        if (!zip.entries.has(k)) {
          const has = members.map((m) => m.replace('.npy', '')).join(', ');
          throw new MedcnnError(
            `${file} has no '${k.replace('.npy', '')}' array (it has: ${has || 'nothing'}). It is not a MedMNIST file; download it again with 'medcnn download'.`,
            `${file} に '${k.replace('.npy', '')}' 配列がありません（あるもの: ${has || 'なし'}）。MedMNIST のファイルではありません。'medcnn download' でダウンロードし直してください。`,
          );
        }
      }
      const img = parseNpy(zip.read(imgKey), `${file} [${imgKey}]`);
      const lab = parseNpy(zip.read(labKey), `${file} [${labKey}]`);
      if (img.shape.length !== 3 && !(img.shape.length === 4 && img.shape[3] === 3)) {
        throw new MedcnnError(
          `${file} [${imgKey}]: shape (${img.shape.join(', ')}) is not (N, H, W) or (N, H, W, 3)`,
          `${file} [${imgKey}]: 配列の形 (${img.shape.join(', ')}) が (N, H, W) でも (N, H, W, 3) でもありません`,
        );
      }
      const count = img.shape[0];
      if (lab.shape.length < 1 || lab.shape[0] !== count) {
        throw new MedcnnError(
          `${file}: ${count} ${split} images but ${lab.shape[0] ?? 0} labels`,
          `${file}: ${split} の画像は ${count} 枚ですが、ラベルは ${lab.shape[0] ?? 0} 個です`,
        );
      }
      const channels = img.shape.length === 4 ? 3 : 1;
      if (info && channels !== info.channels) {
        throw new MedcnnError(
          `${file}: ${split} images have ${channels} channel(s), ${info.flag} has ${info.channels}`,
          `${file}: ${split} の画像は ${channels} チャネルですが、${info.flag} は ${info.channels} チャネルです`,
        );
      }
      const labelWidth = lab.shape.length === 1 ? 1 : lab.shape.slice(1).reduce((a, b) => a * b, 1);
      if (info) {
        const classes = info.labels.length;
        const multiLabel = isMultiLabel(info.task);
        if (multiLabel ? labelWidth !== classes : labelWidth !== 1) {
          throw new MedcnnError(
            `${file}: ${split} labels have ${labelWidth} column(s), ${info.flag} expects ${multiLabel ? classes : 1}`,
            `${file}: ${split} のラベルは ${labelWidth} 列ですが、${info.flag} では ${multiLabel ? classes : 1} 列のはずです`,
          );
        }
        const max = lab.data.reduce((m, v) => Math.max(m, v), 0);
        if (max >= (multiLabel ? 2 : classes)) {
          throw new MedcnnError(
            `${file}: ${split} label value ${max} is out of range for ${info.flag}`,
            `${file}: ${split} のラベル値 ${max} は ${info.flag} の範囲外です`,
          );
        }
      }
      return {
        split,
        count,
        height: img.shape[1],
        width: img.shape[2],
        channels,
        images: img.data,
        labelWidth,
        labels: lab.data,
      };
    });
  } finally {
    zip.close();
  }
}

/** Loads splits of a dataset from the data root, with a clear error when the file is missing. */
export function loadDataset(info: DatasetInfo, size: ImageSize, root: string, splits: Split[]): SplitData[] {
  const file = datasetPath(info, size, root);
  if (!fs.existsSync(file)) {
    const download = `medcnn download ${info.flag}${size === 28 ? '' : ` --size ${size}`}`;
    throw new MedcnnError(
      `${info.flag} (${size}×${size}) is not in the data root: ${file} is missing. ` +
        `Run '${download}' (or pass --download), ` +
        `or put the file there by hand from ${info.files[size].url}, or point --root / MEDMNIST_ROOT at the folder that has it.`,
      `${info.flag}（${size}×${size}）がデータフォルダにありません: ${file} が見つかりません。` +
        `'${download}' を実行する（または --download を付ける）か、${info.files[size].url} からファイルを手動で置くか、` +
        `--root または MEDMNIST_ROOT でファイルのあるフォルダを指定してください。`,
    );
  }
  const data = readSplits(file, splits, info);
  for (const d of data)
    if (d.height !== size || d.width !== size)
      throw new MedcnnError(
        `${file} holds ${d.width}×${d.height} ${d.split} images, but ${info.flag} at size ${size} must hold ${size}×${size}. ` +
          `The file is not what its name says: download it again with 'medcnn download ${info.flag}${size === 28 ? '' : ` --size ${size}`}'.`,
        `${file} の ${d.split} 画像は ${d.width}×${d.height} ですが、サイズ ${size} の ${info.flag} は ${size}×${size} のはずです。` +
          `ファイルの中身が名前と一致しません。'medcnn download ${info.flag}${size === 28 ? '' : ` --size ${size}`}' でダウンロードし直してください。`,
      );
  if (data.some((d) => d.count === 0))
    throw new MedcnnError(
      `${file} has no images in its ${data.find((d) => d.count === 0)!.split} split; medcnn needs images in train, val and test. Download the file again.`,
      `${file} の ${data.find((d) => d.count === 0)!.split} には画像がありません。medcnn には train・val・test のすべてに画像が必要です。ファイルをダウンロードし直してください。`,
    );
  return data;
}
