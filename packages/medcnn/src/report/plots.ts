import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { SplitData } from '../data/load.js';
import { t, type Lang } from '../i18n/messages.js';
import type { RocPoint } from '../metrics/auc.js';
import type { EpochRecord } from '../train/trainer.js';
import { blankFigure, figureFont } from './figure.js';

const W = 640;
const H = 440;
const M = { left: 70, right: 24, top: 48, bottom: 62 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const font = figureFont;

interface Series {
  label: string;
  points: [number, number][];
  color: string;
  dashed?: boolean;
}

/** Draws axes, ticks, title and labelled line series; returns the PNG bytes. */
function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  xRange: [number, number],
  yRange: [number, number],
  opts: { integerX?: boolean; diagonal?: boolean; mark?: { x: number; y: number; label: string } } = {},
): Buffer {
  const { canvas, g } = blankFigure(W, H);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + ((x - xRange[0]) / (xRange[1] - xRange[0] || 1)) * pw;
  const sy = (y: number): number => M.top + ph - ((y - yRange[0]) / (yRange[1] - yRange[0] || 1)) * ph;
  // grid and ticks
  g.strokeStyle = '#e5e5e5';
  g.fillStyle = '#333';
  g.font = font(12);
  g.lineWidth = 1;
  for (let i = 0; i <= 5; i++) {
    const y = yRange[0] + ((yRange[1] - yRange[0]) * i) / 5;
    g.beginPath();
    g.moveTo(M.left, sy(y));
    g.lineTo(M.left + pw, sy(y));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(y.toFixed(yRange[1] - yRange[0] < 2 ? 2 : 1), M.left - 6, sy(y) + 4);
  }
  const xTicks = opts.integerX
    ? Array.from({ length: xRange[1] - xRange[0] + 1 }, (_, i) => xRange[0] + i).filter(
        (_, i, a) => a.length <= 12 || i % Math.ceil(a.length / 12) === 0,
      )
    : [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => xRange[0] + f * (xRange[1] - xRange[0]));
  g.textAlign = 'center';
  for (const x of xTicks) g.fillText(opts.integerX ? String(x) : x.toFixed(1), sx(x), M.top + ph + 18);
  g.strokeStyle = '#333';
  g.strokeRect(M.left, M.top, pw, ph);
  if (opts.diagonal) {
    g.setLineDash([4, 4]);
    g.strokeStyle = '#999';
    g.beginPath();
    g.moveTo(sx(xRange[0]), sy(yRange[0]));
    g.lineTo(sx(xRange[1]), sy(yRange[1]));
    g.stroke();
    g.setLineDash([]);
  }
  for (const s of series) {
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.lineWidth = 2;
    g.setLineDash(s.dashed ? [6, 4] : []);
    g.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? g.moveTo(sx(x), sy(y)) : g.lineTo(sx(x), sy(y))));
    g.stroke();
    g.setLineDash([]);
    if (opts.integerX) for (const [x, y] of s.points) g.fillRect(sx(x) - 3, sy(y) - 3, 6, 6);
  }
  if (opts.mark) {
    const { x, y, label } = opts.mark;
    g.fillStyle = '#d62728';
    g.beginPath();
    g.arc(sx(x), sy(y), 6, 0, 2 * Math.PI);
    g.fill();
    g.font = font(12);
    g.textAlign = x < (xRange[0] + xRange[1]) / 2 ? 'left' : 'right';
    g.fillText(label, sx(x) + (g.textAlign === 'left' ? 10 : -10), sy(y) + 16);
  }
  // labels
  g.fillStyle = '#111';
  g.font = font(17, true);
  g.textAlign = 'center';
  g.fillText(title, M.left + pw / 2, 28);
  g.font = font(13);
  g.fillText(xLabel, M.left + pw / 2, H - 16);
  g.save();
  g.translate(18, M.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(yLabel, 0, 0);
  g.restore();
  legend(
    g,
    series.map((s) => [s.label, s.color, Boolean(s.dashed)]),
    M.left + pw - 10,
    M.top + 12,
  );
  return canvas.toBuffer('image/png');
}

function legend(g: SKRSContext2D, items: [string, string, boolean][], right: number, top: number): void {
  g.font = font(13);
  const width = Math.max(...items.map(([l]) => g.measureText(l).width)) + 44;
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(right - width, top - 4, width, items.length * 20 + 8);
  items.forEach(([label, color, dashed], i) => {
    const y = top + 10 + i * 20;
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dashed ? [6, 4] : []);
    g.beginPath();
    g.moveTo(right - width + 8, y);
    g.lineTo(right - width + 32, y);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#111';
    g.textAlign = 'left';
    g.fillText(label, right - width + 38, y + 4);
  });
}

/** Train and validation loss per epoch, as the tutorial plots it. */
export function learningCurvePng(history: EpochRecord[], lang: Lang): Buffer {
  const losses = history.flatMap((h) => [h.trainLoss, h.valLoss]).filter(Number.isFinite);
  const top = Math.max(0.1, ...losses) * 1.1;
  return lineChart(
    t(lang, 'learningCurve'),
    t(lang, 'epoch'),
    t(lang, 'lossAxis'),
    [
      { label: t(lang, 'trainLoss'), points: history.map((h) => [h.epoch, h.trainLoss]), color: COLORS[0] },
      { label: t(lang, 'valLoss'), points: history.map((h) => [h.epoch, h.valLoss]), color: COLORS[1], dashed: true },
    ],
    [1, Math.max(2, history.length)],
    [0, top],
    { integerX: true },
  );
}

/** The ROC curve with its AUC in the legend. */
/** The test ROC curve; `point` marks the operating point chosen on validation (its test FPR and TPR). */
export function rocPng(
  roc: RocPoint[],
  auc: number,
  lang: Lang,
  point?: { fpr: number; tpr: number; label: string },
): Buffer {
  return lineChart(
    t(lang, 'rocTitle'),
    t(lang, 'fpr'),
    t(lang, 'tpr'),
    [{ label: `AUC = ${auc.toFixed(3)}`, points: roc.map((p) => [p.fpr, p.tpr]), color: COLORS[0] }],
    [0, 1],
    [0, 1],
    { diagonal: true, mark: point && { x: point.fpr, y: point.tpr, label: point.label } },
  );
}

/** A confusion matrix with counts and row percentages; rows are the truth. */
export function confusionPng(matrix: number[][], labels: string[], lang: Lang): Buffer {
  const k = matrix.length;
  const cell = Math.min(110, Math.floor(440 / k));
  const left = 190;
  const top = 80;
  const width = left + cell * k + 30;
  const height = top + cell * k + 70;
  const { canvas, g } = blankFigure(width, height);
  g.font = font(17, true);
  g.textAlign = 'center';
  g.fillText(t(lang, 'confusionTitle'), width / 2, 28);
  for (let r = 0; r < k; r++) {
    const rowSum = matrix[r].reduce((a, b) => a + b, 0) || 1;
    for (let c = 0; c < k; c++) {
      const frac = matrix[r][c] / rowSum;
      const shade = Math.round(255 - frac * 200);
      g.fillStyle = `rgb(${shade},${shade},255)`;
      g.fillRect(left + c * cell, top + r * cell, cell - 2, cell - 2);
      g.fillStyle = frac > 0.6 ? '#fff' : '#111';
      g.font = font(Math.max(10, Math.floor(cell / 5)), true);
      g.fillText(String(matrix[r][c]), left + c * cell + cell / 2, top + r * cell + cell / 2);
      g.font = font(Math.max(9, Math.floor(cell / 8)));
      g.fillText(`${(frac * 100).toFixed(1)}%`, left + c * cell + cell / 2, top + r * cell + cell / 2 + cell / 5);
    }
  }
  g.fillStyle = '#111';
  g.font = font(13);
  for (let i = 0; i < k; i++) {
    g.textAlign = 'right';
    g.fillText(shorten(labels[i], 22), left - 8, top + i * cell + cell / 2 + 4);
    g.textAlign = 'center';
    g.fillText(shorten(labels[i], 14), left + i * cell + cell / 2, top + k * cell + 18);
  }
  g.font = font(14, true);
  g.fillText(`${t(lang, 'predicted')} →`, left + (k * cell) / 2, top + k * cell + 44);
  g.textAlign = 'left';
  g.fillText(`${t(lang, 'truth')} ↓`, 10, top - 12);
  return canvas.toBuffer('image/png');
}

function shorten(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The first `count` images of a split with their labels, as the tutorial shows them. */
export function samplesPng(data: SplitData, labelOf: (i: number) => string, lang: Lang, count = 5): Buffer {
  const n = Math.min(count, data.count);
  const size = 150;
  const pad = 12;
  const width = pad + n * (size + pad);
  const height = 50 + size + 40;
  const { canvas, g } = blankFigure(width, height);
  g.font = font(16, true);
  g.textAlign = 'center';
  g.fillText(t(lang, 'samplesTitle'), width / 2, 26);
  for (let i = 0; i < n; i++) {
    const tile = imageCanvas(data, i);
    g.imageSmoothingEnabled = false;
    g.drawImage(tile, pad + i * (size + pad), 40, size, size);
    g.font = font(14);
    g.fillText(shorten(labelOf(i), 18), pad + i * (size + pad) + size / 2, 40 + size + 24);
  }
  return canvas.toBuffer('image/png');
}

/** One image of a split as a canvas (grayscale or RGB). */
export function imageCanvas(data: SplitData, index: number): Canvas {
  const { height: h, width: w, channels: c } = data;
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  const img = g.createImageData(w, h);
  const base = index * h * w * c;
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < 3; ch++) img.data[p * 4 + ch] = data.images[base + p * c + (c === 3 ? ch : 0)];
    img.data[p * 4 + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return canvas;
}
