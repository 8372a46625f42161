import type { Lang } from '../i18n/messages.js';
import { t } from '../i18n/messages.js';
import type { EpochRecord } from '../train/trainer.js';
import { blankFigure, figureFont } from './figure.js';

/** One run's curve in a comparison figure. */
export interface CompareCurve {
  run: string;
  fraction: number;
  trainImages: number;
  history: EpochRecord[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

/** Validation AUC per epoch of every run, overlaid: colour = run, dash = training fraction. */
export function compareCurvesPng(rows: CompareCurve[], lang: Lang): Buffer {
  // The legend goes under the plot, so it never hides a curve.
  const W = 720,
    H = 440 + rows.length * 18 + 12;
  const M = { left: 70, right: 24, top: 48, bottom: 62 + rows.length * 18 + 12 };
  const { canvas, g } = blankFigure(W, H);
  const font = figureFont;
  const aucs = rows.flatMap((r) => r.history.map((h) => h.valAuc)).filter(Number.isFinite);
  const lo = Math.max(0, Math.floor((Math.min(1, ...aucs) - 0.02) * 20) / 20);
  const maxEpoch = Math.max(2, ...rows.map((r) => r.history.length));
  const pw = W - M.left - M.right,
    ph = H - M.top - M.bottom;
  const sx = (e: number): number => M.left + ((e - 1) / (maxEpoch - 1)) * pw;
  const sy = (v: number): number => M.top + ph - ((v - lo) / (1 - lo || 1)) * ph;
  g.font = font(12);
  g.strokeStyle = '#e5e5e5';
  g.fillStyle = '#333';
  for (let i = 0; i <= 5; i++) {
    const v = lo + ((1 - lo) * i) / 5;
    g.beginPath();
    g.moveTo(M.left, sy(v));
    g.lineTo(M.left + pw, sy(v));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(v.toFixed(2), M.left - 6, sy(v) + 4);
  }
  g.textAlign = 'center';
  const step = Math.ceil(maxEpoch / 12);
  for (let e = 1; e <= maxEpoch; e += step) g.fillText(String(e), sx(e), M.top + ph + 18);
  g.strokeStyle = '#333';
  g.strokeRect(M.left, M.top, pw, ph);
  const runs = [...new Set(rows.map((r) => r.run))];
  const fractions = [...new Set(rows.map((r) => r.fraction))];
  const items: [string, string, number[]][] = [];
  for (const r of rows) {
    const color = COLORS[runs.indexOf(r.run) % COLORS.length];
    const dash = DASHES[fractions.indexOf(r.fraction) % DASHES.length];
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dash);
    g.beginPath();
    r.history.forEach((h, i) => (i === 0 ? g.moveTo(sx(h.epoch), sy(h.valAuc)) : g.lineTo(sx(h.epoch), sy(h.valAuc))));
    g.stroke();
    g.setLineDash([]);
    for (const h of r.history) g.fillRect(sx(h.epoch) - 2.5, sy(h.valAuc) - 2.5, 5, 5);
    items.push([`${r.run} · ${Math.round(r.fraction * 100)}% (${r.trainImages})`, color, dash]);
  }
  g.fillStyle = '#111';
  g.font = font(17, true);
  g.fillText(t(lang, 'compareTitle'), M.left + pw / 2, 28);
  g.font = font(13);
  g.fillText(t(lang, 'epoch'), M.left + pw / 2, M.top + ph + 40);
  g.save();
  g.translate(18, M.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(t(lang, 'compareAuc'), 0, 0);
  g.restore();
  g.font = font(12);
  const lx = M.left,
    ly = M.top + ph + 52;
  items.forEach(([label, color, dash], i) => {
    const y = ly + 13 + i * 18;
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dash);
    g.beginPath();
    g.moveTo(lx + 8, y - 4);
    g.lineTo(lx + 36, y - 4);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#111';
    g.textAlign = 'left';
    g.fillText(label, lx + 42, y);
  });
  return canvas.toBuffer('image/png');
}
