import { createCanvas } from '@napi-rs/canvas';
import type * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor, MINUS_ONE_TO_ONE } from '../data/batch.js';
import { describeLabel, type DatasetInfo } from '../data/dataset-info.js';
import type { SplitData } from '../data/load.js';
import { makeRng, shuffledIndices } from '../engine/seed.js';
import { type Lang, t } from '../i18n/messages.js';
import { makeAugmentFn, presetFor, type AugmentPlan } from '../augment/index.js';
import { blankFigure, figureFont } from './figure.js';
import { imageCanvas } from './plots.js';

export interface PreviewOptions {
  /** Originals shown (picked at random with the seed). */
  n: number;
  /** Augmented versions drawn beside each original. */
  versions: number;
  seed: number;
  lang: Lang;
}

/** Back from the normalised float batch to uint8 pixels, as the dataset stores them. */
function toUint8(x: tf.Tensor4D): Uint8Array {
  const { mean, std } = MINUS_ONE_TO_ONE;
  const v = x.dataSync();
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((v[i] * std + mean) * 255)));
  return out;
}

// A CJK character (or full-width punctuation) is a place to break a line; other text breaks at spaces.
const CJK = '\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef';
const TOKENS = new RegExp(`[${CJK}]|[^\\s${CJK}]+|\\s+`, 'gu');

function wrap(g: { measureText(s: string): { width: number } }, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const token of text.match(TOKENS) ?? []) {
    const next = line + token;
    if (g.measureText(next.trimEnd()).width > width && line.trim()) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else line = next;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/**
 * A PNG grid of `n` images of a split, each followed by `versions` augmented copies, with the dataset,
 * the augmentation and the modality's reasons written above, so a clinician can check the copies still
 * look like real images of the same finding.
 */
export function augmentPreviewPng(
  info: Pick<DatasetInfo, 'modality' | 'pythonClass' | 'task' | 'labels'>,
  data: SplitData,
  plan: AugmentPlan,
  opts: PreviewOptions,
): Buffer {
  const rng = makeRng(opts.seed);
  const n = Math.min(opts.n, data.count);
  const idx = shuffledIndices(data.count, rng).slice(0, n);
  const fn = makeAugmentFn(plan);
  const original = imagesToTensor(data, idx, MINUS_ONE_TO_ONE);
  const versions = Array.from({ length: opts.versions }, () => {
    const a = fn(original, rng);
    const px = toUint8(a);
    a.dispose();
    return { ...data, count: n, images: px } satisfies SplitData;
  });
  original.dispose();
  const picked: SplitData = { ...data, count: n, images: toUint8Subset(data, idx) };

  const side = data.height;
  const tile = side <= 42 ? side * 3 : side <= 64 ? side * 2 : 128;
  const gap = 4;
  const groupGap = 24;
  const perGroup = 1 + opts.versions;
  const groupW = perGroup * tile + (perGroup - 1) * gap;
  const cols = Math.max(1, Math.min(n, Math.floor(1500 / (groupW + groupGap)) || 1));
  const rows = Math.ceil(n / cols);
  const width = Math.max(640, groupGap + cols * (groupW + groupGap));
  const font = figureFont;
  const measure = createCanvas(10, 10).getContext('2d');
  measure.font = font(13);
  const preset = presetFor(info.modality);
  measure.font = font(17, true);
  const title = wrap(measure, `${info.pythonClass} · ${info.modality} · --augment ${plan.name}`, width - 2 * groupGap);
  measure.font = font(13);
  const notes = [
    ...wrap(measure, `${preset.title[opts.lang]}: ${preset.why[opts.lang]}`, width - 2 * groupGap).map((text) => ({
      text,
      color: '#333',
    })),
    ...plan.overridden
      .flatMap((r) => wrap(measure, t(opts.lang, 'previewUnsafe', { reason: r[opts.lang] }), width - 2 * groupGap))
      .map((text) => ({ text, color: '#c00' })),
  ];
  const titleH = title.length * 22;
  const headerH = titleH + 34 + notes.length * 18 + 12;
  const rowH = tile + 30;
  const height = headerH + rows * rowH + 10;
  const { canvas, g } = blankFigure(width, height);
  g.font = font(17, true);
  title.forEach((line, i) => g.fillText(line, groupGap, 26 + i * 22));
  g.font = font(13);
  g.fillStyle = '#444';
  g.fillText(t(opts.lang, 'previewLegend', { versions: opts.versions, seed: opts.seed }), groupGap, titleH + 24);
  notes.forEach(({ text, color }, i) => {
    g.fillStyle = color;
    g.fillText(text, groupGap, titleH + 44 + i * 18);
  });
  for (let i = 0; i < n; i++) {
    const x0 = groupGap + (i % cols) * (groupW + groupGap);
    const y0 = headerH + Math.floor(i / cols) * rowH;
    const sources = [picked, ...versions];
    sources.forEach((src, k) => {
      const x = x0 + k * (tile + gap);
      g.imageSmoothingEnabled = tile < side;
      g.drawImage(imageCanvas(src, i), x, y0, tile, tile);
      if (k === 0) {
        g.strokeStyle = '#1f77b4';
        g.lineWidth = 3;
        g.strokeRect(x - 1.5, y0 - 1.5, tile + 3, tile + 3);
      }
    });
    const row = data.labels.subarray(idx[i] * data.labelWidth, (idx[i] + 1) * data.labelWidth);
    const label = describeLabel(info.task, info.labels, row, opts.lang);
    g.fillStyle = '#111';
    g.font = font(13);
    g.fillText(label.length > 40 ? `${label.slice(0, 39)}…` : label, x0, y0 + tile + 18);
  }
  return canvas.toBuffer('image/png');
}

function toUint8Subset(data: SplitData, idx: Int32Array): Uint8Array {
  const px = data.height * data.width * data.channels;
  const out = new Uint8Array(idx.length * px);
  idx.forEach((j, i) => out.set(data.images.subarray(j * px, (j + 1) * px), i * px));
  return out;
}
