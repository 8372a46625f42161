import type * as tfl from '@tensorflow/tfjs-layers';
import { firstLayerFilters, normalizePixels } from 'medcnn/browser';
import { drawGray, drawSigned, outlineCell } from './draw';
import { t, type Key } from './i18n';
import type { ChosenImage } from './image';
import type { RunInfo } from './run';

/** A kernel K: kh×kw weights, row-major, and how the filter menu names it. */
export interface Kernel {
  name: () => string;
  height: number;
  width: number;
  weights: Float32Array;
}

const hand = (key: Key, rows: number[][]): Kernel => ({
  name: () => t(key),
  height: rows.length,
  width: rows[0].length,
  weights: Float32Array.from(rows.flat()),
});

/** The tutorial's hand-made filters. */
export const HAND_MADE: Kernel[] = [
  hand('filterVertical', [
    [1, 0, -1],
    [1, 0, -1],
    [1, 0, -1],
  ]),
  hand('filterHorizontal', [
    [1, 1, 1],
    [0, 0, 0],
    [-1, -1, -1],
  ]),
  hand('filterCross', [
    [1, -1, 1],
    [-1, 1, -1],
    [1, -1, 1],
  ]),
];

/** The model's learned first-layer filters (summed over input channels). */
export function learnedKernels(model: tfl.LayersModel): Kernel[] {
  const f = firstLayerFilters(model, 32);
  return f.filters.map((weights, k) => ({
    name: () => t('filterLearned', { n: k + 1, total: f.total, layer: f.layer }),
    height: f.height,
    width: f.width,
    weights,
  }));
}

/** The image as one normalised gray plane (colour channels averaged), as I in the formula. */
export function grayInput(info: RunInfo, image: ChosenImage): Float32Array {
  const [h, w, c] = info.inputShape;
  const x = normalizePixels(image.pixels, info.normalization);
  const out = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += x[p * c + k];
    out[p] = s / c;
  }
  return out;
}

/** Where the kernel's (0, 0) sits relative to the output pixel, so that the output keeps the input's size. */
const padOf = (k: number): number => Math.floor((k - 1) / 2);

/** S(i, j) = Σm Σn I(i + m − p, j + n − q) · K(m, n), zero outside the image (what a CNN layer computes). */
export function convolve(input: Float32Array, h: number, w: number, k: Kernel): Float32Array {
  const out = new Float32Array(h * w);
  const pi = padOf(k.height),
    pj = padOf(k.width);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let m = 0; m < k.height; m++) {
        const y = i + m - pi;
        if (y < 0 || y >= h) continue;
        for (let n = 0; n < k.width; n++) {
          const x = j + n - pj;
          if (x >= 0 && x < w) s += input[y * w + x] * k.weights[m * k.width + n];
        }
      }
      out[i * w + j] = s;
    }
  }
  return out;
}

export const relu = (v: Float32Array): Float32Array => v.map((x) => Math.max(0, x));

/** 2×2 max-pooling with stride 2 (an odd last row or column is dropped, as in the models). */
export function maxPool2(
  v: Float32Array,
  h: number,
  w: number,
): { values: Float32Array; height: number; width: number } {
  const ph = Math.floor(h / 2),
    pw = Math.floor(w / 2);
  const values = new Float32Array(ph * pw);
  for (let i = 0; i < ph; i++) {
    for (let j = 0; j < pw; j++) {
      values[i * pw + j] = Math.max(
        v[2 * i * w + 2 * j],
        v[2 * i * w + 2 * j + 1],
        v[(2 * i + 1) * w + 2 * j],
        v[(2 * i + 1) * w + 2 * j + 1],
      );
    }
  }
  return { values, height: ph, width: pw };
}

/** The anatomy page: a chosen kernel applied live to the chosen image, stage by stage, with a probe. */
export class AnatomyView {
  private kernels: Kernel[] = [...HAND_MADE];
  private input: Float32Array | null = null;
  private conv: Float32Array | null = null;
  private probe = { i: 0, j: 0 };
  private readonly el = {
    select: document.querySelector<HTMLSelectElement>('#filter')!,
    kernel: document.querySelector<HTMLDivElement>('#kernel')!,
    input: document.querySelector<HTMLCanvasElement>('#stage-input')!,
    conv: document.querySelector<HTMLCanvasElement>('#stage-conv')!,
    relu: document.querySelector<HTMLCanvasElement>('#stage-relu')!,
    pool: document.querySelector<HTMLCanvasElement>('#stage-pool')!,
    detail: document.querySelector<HTMLDivElement>('#detail')!,
  };

  constructor(
    private readonly info: RunInfo,
    model: tfl.LayersModel,
  ) {
    this.kernels.push(...learnedKernels(model));
    this.el.select.addEventListener('change', () => this.render());
    const [h, w] = info.inputShape;
    const probeAt = (ev: MouseEvent): void => {
      const r = this.el.conv.getBoundingClientRect();
      this.probe = {
        i: Math.min(h - 1, Math.floor(((ev.clientY - r.top) / r.height) * h)),
        j: Math.min(w - 1, Math.floor(((ev.clientX - r.left) / r.width) * w)),
      };
      this.render();
    };
    this.el.conv.addEventListener('mousemove', probeAt);
    this.el.conv.addEventListener('click', probeAt);
    this.el.conv.addEventListener('keydown', (ev) => {
      const step: Record<string, [number, number]> = {
        ArrowUp: [-1, 0],
        ArrowDown: [1, 0],
        ArrowLeft: [0, -1],
        ArrowRight: [0, 1],
      };
      const d = step[ev.key];
      if (!d) return;
      ev.preventDefault();
      this.probe = {
        i: Math.min(h - 1, Math.max(0, this.probe.i + d[0])),
        j: Math.min(w - 1, Math.max(0, this.probe.j + d[1])),
      };
      this.render();
    });
    this.relabel();
  }

  /** Names the filters in the current language, keeping the choice. */
  relabel(): void {
    const chosen = this.el.select.selectedIndex;
    this.el.select.replaceChildren(...this.kernels.map((k, i) => new Option(k.name(), String(i))));
    this.el.select.selectedIndex = Math.max(0, chosen);
    this.render();
  }

  setImage(image: ChosenImage): void {
    this.input = grayInput(this.info, image);
    const [h, w] = this.info.inputShape;
    this.probe = { i: Math.floor(h / 2), j: Math.floor(w / 2) };
    this.render();
  }

  render(): void {
    const k = this.kernels[Number(this.el.select.value) || 0];
    this.renderKernel(k);
    const [h, w] = this.info.inputShape;
    document.querySelector('#cap-input')!.textContent = t('stageInput', { h, w });
    document.querySelector('#cap-conv')!.textContent = t('stageConv');
    document.querySelector('#cap-relu')!.textContent = t('stageRelu');
    document.querySelector('#cap-pool')!.textContent = t('stagePool', { h: Math.floor(h / 2), w: Math.floor(w / 2) });
    if (!this.input) {
      this.el.detail.textContent = t('noImage');
      return;
    }
    this.conv = convolve(this.input, h, w, k);
    const rectified = relu(this.conv);
    const pooled = maxPool2(rectified, h, w);
    drawGray(this.el.input, this.input, h, w);
    drawSigned(this.el.conv, this.conv, h, w);
    drawSigned(this.el.relu, rectified, h, w);
    drawSigned(this.el.pool, pooled.values, pooled.height, pooled.width);
    const { i, j } = this.probe;
    outlineCell(this.el.input, i - padOf(k.height), j - padOf(k.width), h, w, k.height);
    outlineCell(this.el.conv, i, j, h, w);
    outlineCell(this.el.relu, i, j, h, w);
    const pi = Math.floor(i / 2),
      pj = Math.floor(j / 2);
    if (pi < pooled.height && pj < pooled.width) outlineCell(this.el.pool, pi, pj, pooled.height, pooled.width);
    this.renderDetail(k, rectified, pooled, h, w);
  }

  private renderKernel(k: Kernel): void {
    this.el.kernel.style.gridTemplateColumns = `repeat(${k.width}, auto)`;
    this.el.kernel.setAttribute(
      'aria-label',
      `K = ${Array.from({ length: k.height }, (_, m) => `[${Array.from(k.weights.slice(m * k.width, (m + 1) * k.width), fmt).join(', ')}]`).join(' ')}`,
    );
    this.el.kernel.replaceChildren(
      ...Array.from(k.weights, (v) => {
        const cell = document.createElement('span');
        cell.textContent = fmt(v);
        cell.className = v > 0 ? 'pos' : v < 0 ? 'neg' : '';
        return cell;
      }),
    );
  }

  /** The multiply-adds that made the probed output pixel, term by term. */
  private renderDetail(
    k: Kernel,
    rectified: Float32Array,
    pooled: { values: Float32Array; height: number; width: number },
    h: number,
    w: number,
  ): void {
    const { i, j } = this.probe;
    const pi = padOf(k.height),
      pj = padOf(k.width);
    const table = document.createElement('table');
    table.className = 'terms';
    for (let m = 0; m < k.height; m++) {
      const row = table.insertRow();
      for (let n = 0; n < k.width; n++) {
        const y = i + m - pi,
          x = j + n - pj;
        const v = y >= 0 && y < h && x >= 0 && x < w ? this.input![y * w + x] : 0;
        row.insertCell().textContent = `${fmt(v)} × ${fmt(k.weights[m * k.width + n])}`;
      }
    }
    const title = document.createElement('p');
    title.className = 'formula';
    title.textContent = t('detailTitle', { i, j, value: fmt(this.conv![i * w + j]) });
    const after = document.createElement('p');
    const cell = { i: Math.floor(i / 2), j: Math.floor(j / 2) };
    const inPool = cell.i < pooled.height && cell.j < pooled.width;
    after.textContent = t('detailAfter', {
      relu: fmt(rectified[i * w + j]),
      pi: cell.i,
      pj: cell.j,
      pool: inPool ? fmt(pooled.values[cell.i * pooled.width + cell.j]) : '—',
    });
    const hint = document.createElement('p');
    hint.className = 'muted';
    hint.textContent = t('detailHint');
    this.el.detail.replaceChildren(title, table, after, hint);
  }
}

function fmt(v: number): string {
  return (Math.abs(v) < 5e-4 ? 0 : v).toFixed(3);
}
