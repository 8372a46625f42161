import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor } from '../data/batch.js';
import { readImageFile } from '../data/image-file.js';
import type { SplitData } from '../data/load.js';
import { t, type Lang } from '../i18n/messages.js';
import { loadModel } from '../models/io.js';
import { readRunConfig, type RunConfig } from '../run/run-config.js';
import { writeFileAtomic } from '../util/atomic.js';
import { featureMapBlocks, firstLayerFilters, type StageKind } from './anatomy.js';
import { gradCam } from './gradcam.js';
import { explainPng, mapPanelPng, pixelsCanvas, type MapRow } from './render.js';

/** One explained image: where its figure is and what the model said. */
export interface ExplainedImage {
  file: string;
  png: string;
  layer: string;
  classIndex: number;
  label: string;
  probabilities: number[];
}

/** Images as one batch, read and normalised exactly as the run's model was trained. */
async function readBatch(config: RunConfig, files: string[]): Promise<{ pixels: Uint8Array[]; x: tf.Tensor4D }> {
  const [h, w, c] = config.inputShape;
  const pixels: Uint8Array[] = [];
  for (const f of files) pixels.push(await readImageFile(f, h, w, c));
  const images = new Uint8Array(pixels.length * h * w * c);
  pixels.forEach((p, i) => images.set(p, i * h * w * c));
  const data: SplitData = { split: 'test', count: files.length, height: h, width: w, channels: c, images, labelWidth: 1, labels: new Uint8Array(files.length) };
  return { pixels, x: imagesToTensor(data, Array.from({ length: files.length }, (_, i) => i), config.normalization) };
}

/** A file name for an output figure, from the image's name. */
function figureName(file: string, suffix: string): string {
  return `${path.basename(file).replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}-${suffix}.png`;
}

/** Writes a Grad-CAM figure per image (X-ray, heat map over it, class probabilities) with a run's kept model. */
export async function explainImages(
  runDir: string, files: string[], opts: { outDir?: string; classIndex?: number; layer?: string; lang: Lang },
): Promise<ExplainedImage[]> {
  const config = readRunConfig(runDir);
  const outDir = opts.outDir ?? path.join(runDir, 'explain');
  const { pixels, x } = await readBatch(config, files);
  const model = await loadModel(path.join(runDir, 'model'));
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const cam = gradCam(model, x, config.task, { layer: opts.layer, classIndex: opts.classIndex });
    const [h, w, c] = config.inputShape;
    const labels = config.labels.map((l) => l[opts.lang]);
    return files.map((file, i) => {
      const png = path.join(outDir, figureName(file, 'gradcam'));
      writeFileAtomic(png, explainPng({
        file: path.basename(file), pixels: pixels[i], height: h, width: w, channels: c, map: cam.maps[i],
        mapHeight: cam.height, mapWidth: cam.width, layer: cam.layer, classIndex: cam.classIndices[i], labels,
        probabilities: cam.probabilities[i],
      }, opts.lang));
      return { file, png, layer: cam.layer, classIndex: cam.classIndices[i], label: labels[cam.classIndices[i]], probabilities: cam.probabilities[i] };
    });
  } finally {
    x.dispose();
    model.dispose();
  }
}

const STAGE_KEYS: Record<StageKind, 'anatomyConv' | 'anatomyRelu' | 'anatomyPool'> = { conv: 'anatomyConv', relu: 'anatomyRelu', pool: 'anatomyPool' };

/**
 * The tutorial's section 1 on the user's own image: the first layer's filters, and for the first blocks the
 * feature maps after the convolution, after the activation and after pooling. Returns the PNGs written.
 */
export async function anatomyOfImage(
  runDir: string, file: string, opts: { outDir?: string; blocks?: number; maps?: number; lang: Lang },
): Promise<string[]> {
  const lang = opts.lang;
  const config = readRunConfig(runDir);
  const outDir = opts.outDir ?? path.join(runDir, 'anatomy');
  const { pixels, x } = await readBatch(config, [file]);
  const model = await loadModel(path.join(runDir, 'model'));
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const [h, w, c] = config.inputShape;
    const input = pixelsCanvas(pixels[0], h, w, c);
    const written: string[] = [];
    const base = path.basename(file).replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
    const filters = firstLayerFilters(model);
    const filtersPng = path.join(outDir, `${base}-filters.png`);
    writeFileAtomic(filtersPng, mapPanelPng(
      t(lang, 'anatomyFiltersTitle', { layer: filters.layer }),
      t(lang, 'anatomyFiltersNote', { n: filters.filters.length, total: filters.total, kh: filters.height, kw: filters.width, cin: filters.inputChannels }),
      [{ label: t(lang, 'anatomyFiltersRow', { layer: filters.layer }), maps: filters.filters, height: filters.height, width: filters.width, mode: 'diverging' }],
      input,
    ));
    written.push(filtersPng);
    const blocks = featureMapBlocks(model, x, opts.blocks ?? 3, opts.maps ?? 16);
    for (const block of blocks) {
      const rows: MapRow[] = block.stages.map((s) => ({
        label: t(lang, s.className === 'AveragePooling2D' ? 'anatomyAvgPool' : STAGE_KEYS[s.kind], { layer: s.layer, n: s.maps.length, total: s.totalChannels, h: s.height, w: s.width }),
        maps: s.maps, height: s.height, width: s.width, mode: s.kind === 'conv' ? 'diverging' : 'gray',
      }));
      const png = path.join(outDir, `${base}-block${block.index}.png`);
      writeFileAtomic(png, mapPanelPng(
        t(lang, 'anatomyBlockTitle', { k: block.index, layers: block.stages.map((s) => s.layer).join(' → ') }),
        t(lang, 'anatomyBlockNote'), rows, input,
      ));
      written.push(png);
    }
    return written;
  } finally {
    x.dispose();
    model.dispose();
  }
}
