import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { plotFontFamily } from './fonts.js';

/** A CSS font for figure text in the plot family (CJK-capable when one is installed). */
export function figureFont(px: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${px}px ${plotFontFamily()}`;
}

/** A new figure: a white canvas of the size, with dark ink ready for text and lines. */
export function blankFigure(width: number, height: number): { canvas: Canvas; g: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#111';
  return { canvas, g };
}
