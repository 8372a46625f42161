import fs from 'node:fs';
import path from 'node:path';
import { readImageBatch } from '../data/image-file.js';
import { t, type Lang } from '../i18n/messages.js';
import { loadModel } from '../models/io.js';
import { readRunConfig } from '../run/run-config.js';
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

/** A file name for an output figure, from the image's name. */
function figureName(file: string, suffix: string): string {
  return `${path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^\w.-]+/g, '_')}-${suffix}.png`;
}

/** Writes a Grad-CAM figure per image (X-ray, heat map over it, class probabilities) with a run's kept model. */
export async function explainImages(
  runDir: string,
  files: string[],
  opts: { outDir?: string; classIndex?: number; layer?: string; lang: Lang },
): Promise<ExplainedImage[]> {
  const config = readRunConfig(runDir);
  const outDir = opts.outDir ?? path.join(runDir, 'explain');
  const { pixels, x } = await readImageBatch(files, config.inputShape, config.normalization);
  const model = await loadModel(path.join(runDir, 'model'));
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const cam = gradCam(model, x, config.task, { layer: opts.layer, classIndex: opts.classIndex });
    const [h, w, c] = config.inputShape;
    const labels = config.labels.map((l) => l[opts.lang]);
    return files.map((file, i) => {
      const png = path.join(outDir, figureName(file, 'gradcam'));
      writeFileAtomic(
        png,
        explainPng(
          {
            file: path.basename(file),
            pixels: pixels[i],
            height: h,
            width: w,
            channels: c,
            map: cam.maps[i],
            mapHeight: cam.height,
            mapWidth: cam.width,
            layer: cam.layer,
            classIndex: cam.classIndices[i],
            labels,
            probabilities: cam.probabilities[i],
          },
          opts.lang,
        ),
      );
      return {
        file,
        png,
        layer: cam.layer,
        classIndex: cam.classIndices[i],
        label: labels[cam.classIndices[i]],
        probabilities: cam.probabilities[i],
      };
    });
  } finally {
    x.dispose();
    model.dispose();
  }
}

const STAGE_KEYS: Record<StageKind, 'anatomyConv' | 'anatomyRelu' | 'anatomyPool'> = {
  conv: 'anatomyConv',
  relu: 'anatomyRelu',
  pool: 'anatomyPool',
};

/**
 * The tutorial's section 1 on the user's own image: the first layer's filters, and for the first blocks the
 * feature maps after the convolution, after the activation and after pooling. Returns the PNGs written.
 */
export async function anatomyOfImage(
  runDir: string,
  file: string,
  opts: { outDir?: string; blocks?: number; maps?: number; lang: Lang },
): Promise<string[]> {
  const lang = opts.lang;
  const config = readRunConfig(runDir);
  const outDir = opts.outDir ?? path.join(runDir, 'anatomy');
  const { pixels, x } = await readImageBatch([file], config.inputShape, config.normalization);
  const model = await loadModel(path.join(runDir, 'model'));
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const [h, w, c] = config.inputShape;
    const input = pixelsCanvas(pixels[0], h, w, c);
    const written: string[] = [];
    const base = path
      .basename(file)
      .replace(/\.[^.]+$/, '')
      .replace(/[^\w.-]+/g, '_');
    const filters = firstLayerFilters(model);
    const filtersPng = path.join(outDir, `${base}-filters.png`);
    writeFileAtomic(
      filtersPng,
      mapPanelPng(
        t(lang, 'anatomyFiltersTitle', { layer: filters.layer }),
        t(lang, 'anatomyFiltersNote', {
          n: filters.filters.length,
          total: filters.total,
          kh: filters.height,
          kw: filters.width,
          cin: filters.inputChannels,
        }),
        [
          {
            label: t(lang, 'anatomyFiltersRow', { layer: filters.layer }),
            maps: filters.filters,
            height: filters.height,
            width: filters.width,
            mode: 'diverging',
          },
        ],
        input,
      ),
    );
    written.push(filtersPng);
    const blocks = featureMapBlocks(model, x, opts.blocks ?? 3, opts.maps ?? 16);
    for (const block of blocks) {
      const rows: MapRow[] = block.stages.map((s) => ({
        label: t(lang, s.className === 'AveragePooling2D' ? 'anatomyAvgPool' : STAGE_KEYS[s.kind], {
          layer: s.layer,
          n: s.maps.length,
          total: s.totalChannels,
          h: s.height,
          w: s.width,
        }),
        maps: s.maps,
        height: s.height,
        width: s.width,
        mode: s.kind === 'conv' ? 'diverging' : 'gray',
      }));
      const png = path.join(outDir, `${base}-block${block.index}.png`);
      writeFileAtomic(
        png,
        mapPanelPng(
          t(lang, 'anatomyBlockTitle', { k: block.index, layers: block.stages.map((s) => s.layer).join(' → ') }),
          t(lang, 'anatomyBlockNote'),
          rows,
          input,
        ),
      );
      written.push(png);
    }
    return written;
  } finally {
    x.dispose();
    model.dispose();
  }
}
