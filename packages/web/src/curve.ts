import type { RunInfo } from './run';
import { t } from './i18n';

/** The run's learning curve: train and validation loss on the left axis, validation AUC (0–1) on the right. */
export function drawLearningCurve(canvas: HTMLCanvasElement, history: RunInfo['history']): void {
  const g = canvas.getContext('2d')!;
  const W = canvas.width,
    H = canvas.height;
  g.clearRect(0, 0, W, H);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  g.font = '12px system-ui, "Noto Sans CJK JP", sans-serif';
  g.fillStyle = '#333';
  if (history.length === 0) {
    g.fillText(t('noHistory'), 16, H / 2);
    return;
  }
  const left = 48,
    right = W - 48,
    top = 36,
    bottom = H - 36;
  const epochs = history.map((h) => h.epoch);
  const losses = history.flatMap((h) => [h.trainLoss, h.valLoss]).filter(Number.isFinite);
  const maxLoss = Math.max(...losses, 1e-6) * 1.1;
  const x = (e: number): number =>
    left +
    (epochs.length === 1
      ? (right - left) / 2
      : ((e - epochs[0]) / (epochs[epochs.length - 1] - epochs[0])) * (right - left));
  const yLoss = (v: number): number => bottom - (v / maxLoss) * (bottom - top);
  const yAuc = (v: number): number => bottom - v * (bottom - top);
  g.strokeStyle = '#999';
  g.lineWidth = 1;
  g.strokeRect(left, top, right - left, bottom - top);
  g.textAlign = 'center';
  for (const e of epochs) g.fillText(String(e), x(e), bottom + 14);
  g.fillText(t('epoch'), (left + right) / 2, H - 6);
  g.textAlign = 'right';
  for (let k = 0; k <= 4; k++) g.fillText(((maxLoss * k) / 4).toFixed(2), left - 4, yLoss((maxLoss * k) / 4) + 4);
  g.textAlign = 'left';
  for (let k = 0; k <= 4; k++) g.fillText((k / 4).toFixed(2), right + 4, yAuc(k / 4) + 4);
  const series: { label: string; colour: string; values: number[]; y: (v: number) => number; dash: number[] }[] = [
    { label: t('trainLoss'), colour: '#1f77b4', values: history.map((h) => h.trainLoss), y: yLoss, dash: [] },
    { label: t('valLoss'), colour: '#ff7f0e', values: history.map((h) => h.valLoss), y: yLoss, dash: [] },
    { label: t('valAuc'), colour: '#2ca02c', values: history.map((h) => h.valAuc), y: yAuc, dash: [6, 4] },
  ];
  let legendX = left;
  for (const s of series) {
    g.strokeStyle = s.colour;
    g.fillStyle = s.colour;
    g.lineWidth = 2;
    g.setLineDash(s.dash);
    g.beginPath();
    s.values.forEach((v, i) => (i === 0 ? g.moveTo(x(epochs[i]), s.y(v)) : g.lineTo(x(epochs[i]), s.y(v))));
    g.stroke();
    for (let i = 0; i < s.values.length; i++) g.fillRect(x(epochs[i]) - 2, s.y(s.values[i]) - 2, 4, 4);
    g.beginPath();
    g.moveTo(legendX, 12);
    g.lineTo(legendX + 20, 12);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#333';
    g.fillText(s.label, legendX + 24, 16);
    legendX += 34 + g.measureText(s.label).width;
  }
}
