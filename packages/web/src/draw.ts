import { upsampleMap } from 'medcnn/browser';

/** Paints an h×w×rgb function of each pixel onto a canvas, scaled up without smoothing (pixels stay visible). */
function paint(canvas: HTMLCanvasElement, h: number, w: number, rgbAt: (p: number) => [number, number, number]): void {
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const sg = small.getContext('2d')!;
  const img = sg.createImageData(w, h);
  for (let p = 0; p < h * w; p++) {
    const [r, g, b] = rgbAt(p);
    img.data[p * 4] = r;
    img.data[p * 4 + 1] = g;
    img.data[p * 4 + 2] = b;
    img.data[p * 4 + 3] = 255;
  }
  sg.putImageData(img, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** A model-size image (1 or 3 channels, uint8). */
export function drawPixels(canvas: HTMLCanvasElement, pixels: Uint8Array, h: number, w: number, c: number): void {
  paint(canvas, h, w, (p) =>
    c === 3 ? [pixels[p * 3], pixels[p * 3 + 1], pixels[p * 3 + 2]] : [pixels[p], pixels[p], pixels[p]],
  );
}

/** Jet-like colour for 0..1: blue (weak) through green and yellow to red (strong). */
export function heatColor(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v));
  const channel = (centre: number): number =>
    Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - centre))));
  return [channel(3), channel(2), channel(1)];
}

/**
 * A Grad-CAM map (mh×mw) smoothly upsampled to the canvas and coloured, scaled by its maximum.
 * Returns false when the map is zero everywhere (then the canvas is cleared).
 */
export function drawHeat(canvas: HTMLCanvasElement, map: Float32Array, mh: number, mw: number): boolean {
  const max = map.reduce((m, v) => Math.max(m, v), 0);
  const g = canvas.getContext('2d')!;
  if (!(max > 0)) {
    g.clearRect(0, 0, canvas.width, canvas.height);
    return false;
  }
  const up = upsampleMap(map, mh, mw, canvas.height, canvas.width);
  const img = g.createImageData(canvas.width, canvas.height);
  for (let p = 0; p < up.length; p++) {
    const [r, gr, b] = heatColor(up[p] / max);
    img.data[p * 4] = r;
    img.data[p * 4 + 1] = gr;
    img.data[p * 4 + 2] = b;
    img.data[p * 4 + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return true;
}

/** A signed map: 0 is white, negative blue, positive red, scaled by the largest |value|. */
export function drawSigned(canvas: HTMLCanvasElement, values: Float32Array, h: number, w: number): void {
  const absMax = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  paint(canvas, h, w, (p) => {
    const v = values[p] / absMax;
    const fade = Math.round(255 * (1 - Math.abs(v)));
    return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
  });
}

/** Marks one cell of an h×w grid drawn on the canvas. */
export function outlineCell(canvas: HTMLCanvasElement, i: number, j: number, h: number, w: number, size = 1): void {
  const g = canvas.getContext('2d')!;
  const sx = canvas.width / w,
    sy = canvas.height / h;
  g.strokeStyle = '#f0a000';
  g.lineWidth = 2;
  g.strokeRect(j * sx + 1, i * sy + 1, size * sx - 2, size * sy - 2);
}

/** A plane of values in gray, darkest at its minimum and white at its maximum (the input as an image). */
export function drawGray(canvas: HTMLCanvasElement, values: Float32Array, h: number, w: number): void {
  const lo = values.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = values.reduce((m, v) => Math.max(m, v), -Infinity);
  const span = hi - lo || 1;
  paint(canvas, h, w, (p) => {
    const g = Math.round((255 * (values[p] - lo)) / span);
    return [g, g, g];
  });
}
