import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { t, type Lang } from '../i18n/messages.js';
import { blankFigure, figureFont } from '../report/figure.js';
import { upsampleMap } from './gradcam.js';

const font = figureFont;

/** The jet colour map (blue → cyan → yellow → red) at v in [0, 1], as Grad-CAM figures usually show it. */
export function jet(v: number): [number, number, number] {
  const c = (x: number): number => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * v - 3)), c(1.5 - Math.abs(4 * v - 2)), c(1.5 - Math.abs(4 * v - 1))];
}

/** A blue-white-red colour for v in [-1, 1]: negative weights or responses blue, positive red. */
function diverging(v: number): [number, number, number] {
  const a = Math.min(1, Math.abs(v));
  const fade = Math.round(255 * (1 - a));
  return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** A grayscale image (uint8, one channel or RGB) as a canvas. */
export function pixelsCanvas(pixels: Uint8Array, h: number, w: number, channels: number): Canvas {
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  const img = g.createImageData(w, h);
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < 3; ch++) img.data[p * 4 + ch] = pixels[p * channels + (channels === 3 ? ch : 0)];
    img.data[p * 4 + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return canvas;
}

/**
 * One map as a canvas: 'diverging' centres 0 (blue negative, red positive, scaled by the largest |value|),
 * 'gray' shows 0..max as black..white. Each map gets its own scale so weak maps stay visible.
 */
export function mapCanvas(values: ArrayLike<number>, h: number, w: number, mode: 'gray' | 'diverging'): Canvas {
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  const img = g.createImageData(w, h);
  let lo = Infinity,
    hi = -Infinity,
    absMax = 0;
  for (let i = 0; i < h * w; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
    absMax = Math.max(absMax, Math.abs(values[i]));
  }
  for (let p = 0; p < h * w; p++) {
    const rgb: [number, number, number] =
      mode === 'diverging'
        ? diverging(absMax > 0 ? values[p] / absMax : 0)
        : (() => {
            const v = Math.round(hi > lo ? (255 * (values[p] - Math.min(0, lo))) / (hi - Math.min(0, lo)) : 0);
            return [v, v, v];
          })();
    img.data.set([...rgb, 255], p * 4);
  }
  g.putImageData(img, 0, 0);
  return canvas;
}

/** What an explain figure shows for one image. */
export interface ExplainFigure {
  file: string;
  /** The image as the model sees it (uint8, its input size). */
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** The Grad-CAM map on the target layer's grid. */
  map: Float32Array;
  mapHeight: number;
  mapWidth: number;
  layer: string;
  classIndex: number;
  labels: string[];
  probabilities: number[];
}

/** The X-ray, the X-ray with its Grad-CAM heat map over it, and the class probabilities, side by side. */
export function explainPng(f: ExplainFigure, lang: Lang): Buffer {
  const side = 256;
  const pad = 24;
  const top = 78;
  const barsW = 250;
  const width = pad + side + pad + side + 40 + pad + barsW + pad;
  const height = top + side + 56;
  const { canvas, g } = blankFigure(width, height);
  g.textAlign = 'left';
  g.font = font(17, true);
  g.fillText(`${t(lang, 'explainTitle')} — ${shorten(f.file, 48)}`, pad, 28);
  g.font = font(13);
  g.fillText(
    t(lang, 'explainSubtitle', {
      label: f.labels[f.classIndex],
      k: f.classIndex,
      layer: f.layer,
      h: f.mapHeight,
      w: f.mapWidth,
    }),
    pad,
    50,
  );

  const image = pixelsCanvas(f.pixels, f.height, f.width, f.channels);
  const x1 = pad;
  const x2 = pad + side + pad;
  g.imageSmoothingEnabled = false;
  g.drawImage(image, x1, top, side, side);
  g.drawImage(image, x2, top, side, side);
  // Heat map: normalised to its own maximum, drawn with an opacity that grows with the value.
  const up = upsampleMap(f.map, f.mapHeight, f.mapWidth, side, side);
  const max = up.reduce((m, v) => Math.max(m, v), 0);
  const heat = createCanvas(side, side);
  const hg = heat.getContext('2d');
  const img = hg.createImageData(side, side);
  for (let p = 0; p < side * side; p++) {
    const v = max > 0 ? up[p] / max : 0;
    img.data.set([...jet(v), Math.round(255 * (0.15 + 0.45 * v))], p * 4);
  }
  hg.putImageData(img, 0, 0);
  g.drawImage(heat, x2, top);
  g.strokeStyle = '#333';
  g.lineWidth = 1;
  g.strokeRect(x1, top, side, side);
  g.strokeRect(x2, top, side, side);
  // Colour bar
  const cbX = x2 + side + 10;
  for (let y = 0; y < side; y++) {
    const [r, gr, b] = jet(1 - y / (side - 1));
    g.fillStyle = `rgb(${r},${gr},${b})`;
    g.fillRect(cbX, top + y, 12, 1);
  }
  g.fillStyle = '#333';
  g.font = font(11);
  g.fillText(t(lang, 'explainHigh'), cbX - 2, top - 6);
  g.fillText(t(lang, 'explainLow'), cbX - 2, top + side + 14);
  g.font = font(13);
  g.textAlign = 'center';
  g.fillText(t(lang, 'explainImage'), x1 + side / 2, top + side + 22);
  g.fillText(t(lang, 'explainHeatmap'), x2 + side / 2, top + side + 22);

  // Probabilities
  const bx = cbX + 40;
  g.textAlign = 'left';
  g.font = font(14, true);
  g.fillText(t(lang, 'explainProbs'), bx, top + 8);
  const rowH = Math.min(46, Math.floor((side - 24) / Math.max(1, f.labels.length)));
  f.probabilities.forEach((p, k) => {
    const y = top + 24 + k * rowH;
    g.font = font(12, k === f.classIndex);
    g.fillStyle = '#111';
    g.fillText(shorten(f.labels[k], 30), bx, y + 12);
    g.fillStyle = '#eee';
    g.fillRect(bx, y + 17, barsW - 60, 14);
    g.fillStyle = k === f.classIndex ? '#d62728' : '#1f77b4';
    g.fillRect(bx, y + 17, (barsW - 60) * p, 14);
    g.fillStyle = '#111';
    g.fillText(`${(p * 100).toFixed(1)}%`, bx + barsW - 54, y + 29);
  });
  return canvas.toBuffer('image/png');
}

/** One row of a feature-map panel: a stage (e.g. after ReLU) and its first maps. */
export interface MapRow {
  label: string;
  maps: Float32Array[];
  height: number;
  width: number;
  mode: 'gray' | 'diverging';
}

/** A titled panel of rows of small maps (filters or feature maps), with an optional input thumbnail. */
export function mapPanelPng(title: string, note: string, rows: MapRow[], input?: Canvas): Buffer {
  const perRow = 8;
  const tile = 72;
  const gap = 6;
  const pad = 20;
  const inputSide = input ? 150 : 0;
  const gridW = perRow * (tile + gap) - gap;
  const width = pad + (input ? inputSide + pad : 0) + gridW + pad;
  const rowHeights = rows.map((r) => 26 + Math.ceil(r.maps.length / perRow) * (tile + gap));
  const height = Math.max(70 + rowHeights.reduce((a, b) => a + b, 0), input ? 70 + inputSide + 40 : 0) + 10;
  const { canvas, g } = blankFigure(width, height);
  g.textAlign = 'left';
  g.font = font(17, true);
  g.fillText(title, pad, 28);
  g.font = font(12);
  g.fillStyle = '#444';
  g.fillText(note, pad, 50);
  let x0 = pad;
  if (input) {
    g.imageSmoothingEnabled = false;
    g.drawImage(input, pad, 70, inputSide, inputSide);
    g.strokeStyle = '#333';
    g.strokeRect(pad, 70, inputSide, inputSide);
    x0 += inputSide + pad;
  }
  let y = 70;
  rows.forEach((r, i) => {
    g.fillStyle = '#111';
    g.font = font(13, true);
    g.fillText(r.label, x0, y + 14);
    r.maps.forEach((m, k) =>
      drawTile(
        g,
        mapCanvas(m, r.height, r.width, r.mode),
        x0 + (k % perRow) * (tile + gap),
        y + 22 + Math.floor(k / perRow) * (tile + gap),
        tile,
      ),
    );
    y += rowHeights[i];
  });
  return canvas.toBuffer('image/png');
}

function drawTile(g: SKRSContext2D, c: Canvas, x: number, y: number, side: number): void {
  g.imageSmoothingEnabled = false;
  g.drawImage(c, x, y, side, side);
  g.strokeStyle = '#999';
  g.lineWidth = 1;
  g.strokeRect(x - 0.5, y - 0.5, side + 1, side + 1);
}

function shorten(s: string, n: number): string {
  return s.length > n ? `…${s.slice(s.length - n + 1)}` : s;
}
