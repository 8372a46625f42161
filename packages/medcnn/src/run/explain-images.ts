import path from 'node:path';
import { readImageBatch } from '../data/image-file.js';
import { imagePreprocessing } from './data.js';
import { featureMapBlocks, firstLayerFilters, type StageKind } from '../explain/anatomy.js';
import { gradCam } from '../explain/gradcam.js';
import { explainPng, type MapRow, mapPanelPng, pixelsCanvas } from '../explain/render.js';
import { type Lang, t } from '../i18n/messages.js';
import { decideClasses } from '../metrics/decide.js';
import { RunFolder } from '../runfolder/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ensureDir } from '../util/dirs.js';

/** One explained image: where its figure is and what the model said. */
export interface ExplainedImage {
  file: string;
  png: string;
  layer: string;
  classIndex: number;
  label: string;
  probabilities: number[];
}

/** The stem of an image's figures: its file name without extension, letters of any script kept. */
function figureStem(file: string): string {
  return path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_');
}

/** One figure name per image: images of the same name (a/x.png, b/x.png) get -2, -3, … so none is overwritten. */
export function figureNames(files: string[], suffix: string): string[] {
  const used = new Set<string>();
  return files.map((file) => {
    const stem = figureStem(file);
    let name = `${stem}-${suffix}.png`;
    for (let k = 2; used.has(name); k++) name = `${stem}-${k}-${suffix}.png`;
    used.add(name);
    return name;
  });
}

/** Writes a Grad-CAM figure per image (X-ray, heat map over it, class probabilities) with a run's kept model. */
export async function explainImages(
  runDir: string,
  files: string[],
  opts: { outDir?: string; classIndex?: number; layer?: string; lang: Lang },
): Promise<ExplainedImage[]> {
  const run = RunFolder.open(runDir);
  const { config } = run;
  const outDir = ensureDir(opts.outDir ?? path.join(runDir, 'explain'), '--out');
  const { pixels, x } = await readImageBatch(
    files,
    config.inputShape,
    config.normalization,
    imagePreprocessing(config),
  );
  const names = figureNames(files, 'gradcam');
  const model = await run.loadModel('kept').catch((e) => {
    x.dispose();
    throw e;
  });
  try {
    const cam = gradCam(model, x, config.task, {
      layer: opts.layer,
      classIndex: opts.classIndex,
      temperature: config.temperature,
      decide: (p) =>
        decideClasses(config.task, p, config.operatingPoint?.threshold, config.positiveClass)[0] ??
        p.indexOf(Math.max(...p)),
    });
    const [h, w, c] = config.inputShape;
    const labels = config.labels.map((l) => l[opts.lang]);
    return files.map((file, i) => {
      const png = path.join(outDir, names[i]);
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
  const run = RunFolder.open(runDir);
  const { config } = run;
  const outDir = ensureDir(opts.outDir ?? path.join(runDir, 'anatomy'), '--out');
  const { pixels, x } = await readImageBatch(
    [file],
    config.inputShape,
    config.normalization,
    imagePreprocessing(config),
  );
  const model = await run.loadModel('kept').catch((e) => {
    x.dispose();
    throw e;
  });
  try {
    const [h, w, c] = config.inputShape;
    const input = pixelsCanvas(pixels[0], h, w, c);
    const written: string[] = [];
    const base = figureStem(file);
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
