import os from 'node:os';
import path from 'node:path';
import type { DatasetInfo, ImageSize } from './dataset-info.js';
import { SIZES } from './dataset-info.js';
import { MedcnnError } from '../errors.js';

/** Where datasets live: --root, else MEDMNIST_ROOT, else ~/.medmnist (the medmnist package's own cache). */
export function resolveDataRoot(root?: string): string {
  if (root && root.length > 0) return path.resolve(root);
  const env = process.env.MEDMNIST_ROOT;
  if (env && env.length > 0) return path.resolve(env);
  return path.join(os.homedir(), '.medmnist');
}

/** Checks an image size is one MedMNIST publishes. */
export function checkSize(size: number): ImageSize {
  if (!(SIZES as readonly number[]).includes(size)) {
    throw new MedcnnError(
      `Image size ${size} is not published by MedMNIST; choose one of ${SIZES.join(', ')}.`,
      `画像サイズ ${size} は MedMNIST では公開されていません。${SIZES.join(', ')} のいずれかを選んでください。`,
    );
  }
  return size as ImageSize;
}

/** The path of a dataset's npz file under a root, named as the medmnist package names it. */
export function datasetPath(info: DatasetInfo, size: ImageSize, root: string): string {
  return path.join(root, info.files[size].fileName);
}
