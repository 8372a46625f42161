import * as tf from '@tensorflow/tfjs-core';
import { readImageBatch } from '../data/image-file.js';
import { imagePreprocessing } from './data.js';
import { RunFolder } from '../runfolder/index.js';
import { decideClasses } from '../metrics/decide.js';
import { probabilities } from '../train/loss.js';

const describeNone = (lang: 'en' | 'ja'): string => (lang === 'ja' ? '所見なし' : 'no finding');

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
      const probs = tf.tidy(() =>
        probabilities(config.task, model.apply(x, { training: false }) as tf.Tensor, config.temperature),
      );
      const values = probs.arraySync() as number[][];
      probs.dispose();
      return values.map((p, i) => {
        // The run's decision: its threshold (chosen on validation) where it has one, else the most probable class.
        const picked = decideClasses(config.task, p, config.operatingPoint?.threshold, config.positiveClass);
        const best = picked[0] ?? p.indexOf(Math.max(...p));
        return {
          file: files[i],
          classIndex: best,
          label: picked.length ? picked.map((k) => config.labels[k][lang]).join(', ') : describeNone(lang),
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
