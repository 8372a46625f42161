import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor } from '../data/batch.js';
import { readImageFile } from '../data/image-file.js';
import type { SplitData } from '../data/load.js';
import { loadModel } from '../models/io.js';
import { probabilities } from '../train/loss.js';
import { readRunConfig } from './run-config.js';

/** One image's prediction: the most likely class (or every positive label) and all probabilities. */
export interface ImagePrediction {
  file: string;
  classIndex: number;
  label: string;
  probability: number;
  probabilities: number[];
}

/** Classifies image files with a run's kept model, preprocessed exactly as in training. */
export async function predictImages(dir: string, files: string[], lang: 'en' | 'ja'): Promise<ImagePrediction[]> {
  const config = readRunConfig(dir);
  const [h, w, c] = config.inputShape;
  const pixels: Uint8Array[] = [];
  for (const f of files) pixels.push(await readImageFile(f, h, w, c));
  const model = await loadModel(path.join(dir, 'model'));
  try {
    const data: SplitData = {
      split: 'test', count: files.length, height: h, width: w, channels: c,
      images: concat(pixels), labelWidth: 1, labels: new Uint8Array(files.length),
    };
    const probs = tf.tidy(() => {
      const x = imagesToTensor(data, Array.from({ length: files.length }, (_, i) => i), config.normalization);
      return probabilities(config.task, model.apply(x, { training: false }) as tf.Tensor);
    });
    const values = probs.arraySync() as number[][];
    probs.dispose();
    return values.map((p, i) => {
      const best = p.indexOf(Math.max(...p));
      return { file: files[i], classIndex: best, label: config.labels[best][lang], probability: p[best], probabilities: p };
    });
  } finally {
    model.dispose();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
