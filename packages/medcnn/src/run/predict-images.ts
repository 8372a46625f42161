import * as tf from '@tensorflow/tfjs-core';
import { readImageBatch } from '../data/image-file.js';
import { imagePreprocessing } from './data.js';
import { RunFolder } from '../runfolder/index.js';
import { probabilities } from '../train/loss.js';

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
  const run = RunFolder.open(dir);
  const { config } = run;
  const { x } = await readImageBatch(files, config.inputShape, config.normalization, imagePreprocessing(config));
  try {
    const model = await run.loadModel('kept');
    try {
      const probs = tf.tidy(() => probabilities(config.task, model.apply(x, { training: false }) as tf.Tensor));
      const values = probs.arraySync() as number[][];
      probs.dispose();
      return values.map((p, i) => {
        const best = p.indexOf(Math.max(...p));
        return {
          file: files[i],
          classIndex: best,
          label: config.labels[best][lang],
          probability: p[best],
          probabilities: p,
        };
      });
    } finally {
      model.dispose();
    }
  } finally {
    x.dispose();
  }
}
