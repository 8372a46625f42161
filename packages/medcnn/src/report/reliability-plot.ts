import type { SKRSContext2D } from '@napi-rs/canvas';
import { type Lang, t } from '../i18n/messages.js';
import type { Calibration } from '../metrics/calibration.js';
import type { SeedSummary } from '../metrics/seeds.js';
import { blankFigure, figureFont } from './figure.js';

const BEFORE = '#1f77b4';
const AFTER = '#d62728';
const SEED_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** What a reliability diagram shows: one calibration, or one before and one after temperature scaling. */
export interface ReliabilityFigure {
  before: Calibration;
  after?: { calibration: Calibration; temperature: number };
  /** The split's name as the title should say it ("validation", "test"). */
  split: string;
  /** The condition's name for a binary task's axes ("pneumonia"); "the positive class" when absent. */
  positiveName?: string;
}

/**
 * A reliability diagram: observed frequency against mean predicted probability per bin (the diagonal is
 * perfect calibration), before and after temperature scaling, with the images per bin underneath.
 */
export function reliabilityPng(fig: ReliabilityFigure, lang: Lang): Buffer {
  const W = 640;
  const H = 620;
  const M = { left: 72, right: 24, top: 48 };
  const pw = W - M.left - M.right;
  const ph = 400;
  const hist = { top: M.top + ph + 46, height: 70 };
  const { canvas, g } = blankFigure(W, H);
  const sx = (x: number): number => M.left + x * pw;
  const sy = (y: number): number => M.top + ph - y * ph;
  const positive =
    fig.before.kind === 'pooled-labels'
      ? t(lang, 'reliabilityEachLabel')
      : (fig.positiveName ?? t(lang, 'reliabilityPositiveClass'));
  const binary = fig.before.kind !== 'top-label';

  g.font = figureFont(12);
  g.lineWidth = 1;
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    g.strokeStyle = '#e5e5e5';
    g.beginPath();
    g.moveTo(M.left, sy(v));
    g.lineTo(M.left + pw, sy(v));
    g.moveTo(sx(v), M.top);
    g.lineTo(sx(v), M.top + ph);
    g.stroke();
    g.fillStyle = '#333';
    g.textAlign = 'right';
    g.fillText(v.toFixed(1), M.left - 6, sy(v) + 4);
    g.textAlign = 'center';
    g.fillText(v.toFixed(1), sx(v), M.top + ph + 16);
  }
  g.strokeStyle = '#333';
  g.strokeRect(M.left, M.top, pw, ph);
  g.setLineDash([4, 4]);
  g.strokeStyle = '#999';
  g.beginPath();
  g.moveTo(sx(0), sy(0));
  g.lineTo(sx(1), sy(1));
  g.stroke();
  g.setLineDash([]);

  const series: [Calibration, string, string][] = fig.after
    ? [
        [fig.before, BEFORE, t(lang, 'reliabilityBefore', { ece: fig.before.ece.toFixed(3) })],
        [
          fig.after.calibration,
          AFTER,
          t(lang, 'reliabilityAfter', {
            t: fig.after.temperature.toFixed(2),
            ece: fig.after.calibration.ece.toFixed(3),
          }),
        ],
      ]
    : [[fig.before, BEFORE, t(lang, 'reliabilityModel', { ece: fig.before.ece.toFixed(3) })]];
  for (const [cal, color] of series) {
    const pts = cal.bins.filter((b) => b.count > 0).map((b) => [b.meanPredicted!, b.observed!] as const);
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? g.moveTo(sx(x), sy(y)) : g.lineTo(sx(x), sy(y))));
    g.stroke();
    for (const [x, y] of pts) {
      g.beginPath();
      g.arc(sx(x), sy(y), 4, 0, 2 * Math.PI);
      g.fill();
    }
  }

  // Images per bin, the series side by side, on a square-root scale so that sparse bins still show.
  const bins = fig.before.bins.length;
  const maxCount = Math.max(1, ...series.flatMap(([cal]) => cal.bins.map((b) => b.count)));
  const barW = pw / bins / series.length;
  series.forEach(([cal, color], s) => {
    g.fillStyle = color;
    cal.bins.forEach((b, i) => {
      const h = Math.sqrt(b.count / maxCount) * hist.height;
      g.fillRect(M.left + (i * pw) / bins + s * barW + 1, hist.top + hist.height - h, barW - 2, h);
    });
  });
  g.strokeStyle = '#333';
  g.lineWidth = 1;
  g.strokeRect(M.left, hist.top, pw, hist.height);

  g.fillStyle = '#111';
  g.font = figureFont(17, true);
  g.textAlign = 'center';
  g.fillText(t(lang, 'reliabilityTitle', { split: fig.split }), M.left + pw / 2, 28);
  g.font = figureFont(13);
  g.fillText(
    binary ? t(lang, 'reliabilityPositiveAxis', { positive }) : t(lang, 'reliabilityConfidenceAxis'),
    M.left + pw / 2,
    M.top + ph + 34,
  );
  g.fillText(t(lang, 'reliabilityCounts'), M.left + pw / 2, hist.top + hist.height + 18);
  g.save();
  g.translate(18, M.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(
    binary ? t(lang, 'reliabilityPositiveObserved', { positive }) : t(lang, 'reliabilityAccuracyObserved'),
    0,
    0,
  );
  g.restore();
  legend(
    g,
    [...series.map(([, color, label]) => [label, color, false] as const), [t(lang, 'reliabilityIdeal'), '#999', true]],
    M.left + 10,
    M.top + 12,
  );
  return canvas.toBuffer('image/png');
}

function legend(g: SKRSContext2D, items: (readonly [string, string, boolean])[], left: number, top: number): void {
  g.font = figureFont(13);
  const width = Math.max(...items.map(([l]) => g.measureText(l).width)) + 44;
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(left, top - 4, width, items.length * 20 + 8);
  items.forEach(([label, color, dashed], i) => {
    const y = top + 10 + i * 20;
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.setLineDash(dashed ? [4, 4] : []);
    g.beginPath();
    g.moveTo(left + 8, y);
    g.lineTo(left + 32, y);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#111';
    g.textAlign = 'left';
    g.fillText(label, left + 38, y + 4);
  });
}

/**
 * The spread of each metric over seeds, one panel per metric on its own scale: a dot per seed (the same
 * colour in every panel), the mean ± sd as a bar, the 95% interval over seeds as a band.
 */
export function seedSpreadPng(summary: SeedSummary, lang: Lang, labels: Readonly<Record<string, string>> = {}): Buffer {
  const panels = summary.metrics;
  const panelW = 120;
  const M = { left: 20, right: 20, top: 56, bottom: 96 };
  const ph = 300;
  const W = Math.max(520, M.left + M.right + panels.length * panelW);
  const H = M.top + ph + M.bottom;
  const { canvas, g } = blankFigure(W, H);
  const x0 = (W - panels.length * panelW) / 2;
  panels.forEach((p, k) => {
    const left = x0 + k * panelW + 40;
    const width = panelW - 52;
    const present = p.values.filter((v): v is number => v !== null);
    const extent = [
      ...present,
      ...(p.ci95 ?? []),
      ...(p.mean !== null && p.sd !== null ? [p.mean - p.sd, p.mean + p.sd] : []),
    ];
    let lo = extent.length ? Math.min(...extent) : 0;
    let hi = extent.length ? Math.max(...extent) : 1;
    const pad = Math.max((hi - lo) * 0.1, 1e-3);
    lo -= pad;
    hi += pad;
    const sy = (v: number): number => M.top + ph - ((v - lo) / (hi - lo)) * ph;
    const cx = left + width / 2;
    g.strokeStyle = '#333';
    g.lineWidth = 1;
    g.strokeRect(left, M.top, width, ph);
    g.font = figureFont(11);
    g.fillStyle = '#333';
    g.textAlign = 'right';
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      g.fillText(v.toFixed(hi - lo < 0.05 ? 4 : 3), left - 4, sy(v) + 4);
    }
    if (p.ci95) {
      g.fillStyle = 'rgba(31,119,180,0.15)';
      g.fillRect(left + 1, sy(p.ci95[1]), width - 2, sy(p.ci95[0]) - sy(p.ci95[1]));
    }
    if (p.mean !== null) {
      g.strokeStyle = '#111';
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(cx - 18, sy(p.mean));
      g.lineTo(cx + 18, sy(p.mean));
      if (p.sd !== null) {
        g.moveTo(cx, sy(p.mean - p.sd));
        g.lineTo(cx, sy(p.mean + p.sd));
        for (const v of [p.mean - p.sd, p.mean + p.sd]) {
          g.moveTo(cx - 8, sy(v));
          g.lineTo(cx + 8, sy(v));
        }
      }
      g.stroke();
    }
    p.values.forEach((v, s) => {
      if (v === null) return;
      // Deterministic spread across the panel, so that equal values stay visible.
      const x = left + 8 + ((s + 0.5) / p.values.length) * (width - 16);
      g.fillStyle = SEED_COLORS[s % SEED_COLORS.length];
      g.beginPath();
      g.arc(x, sy(v), 4.5, 0, 2 * Math.PI);
      g.fill();
    });
    g.fillStyle = '#111';
    g.font = figureFont(13, true);
    g.textAlign = 'center';
    g.fillText(labels[p.metric] ?? p.metric, cx, M.top + ph + 20);
    g.font = figureFont(11);
    if (p.mean !== null)
      g.fillText(p.sd !== null ? `${p.mean.toFixed(3)} ± ${p.sd.toFixed(3)}` : p.mean.toFixed(3), cx, M.top + ph + 36);
  });
  g.fillStyle = '#111';
  g.font = figureFont(17, true);
  g.textAlign = 'center';
  g.fillText(t(lang, 'seedSpreadTitle', { n: summary.seeds.length }), W / 2, 28);
  g.font = figureFont(12);
  g.fillText(t(lang, 'seedSpreadLegend'), W / 2, H - 40);
  // The seed colours, in one line.
  const items = summary.seeds.map(
    (s, i) => [t(lang, 'seedLabel', { seed: s }), SEED_COLORS[i % SEED_COLORS.length]] as const,
  );
  const widths = items.map(([l]) => g.measureText(l).width + 22);
  let x = (W - widths.reduce((a, b) => a + b, 0)) / 2;
  items.forEach(([label, color], i) => {
    g.fillStyle = color;
    g.beginPath();
    g.arc(x + 5, H - 18, 4.5, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#111';
    g.textAlign = 'left';
    g.fillText(label, x + 13, H - 14);
    x += widths[i];
  });
  return canvas.toBuffer('image/png');
}
