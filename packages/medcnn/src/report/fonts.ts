import fs from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';

/** Fonts with Japanese glyphs, looked for where Debian's fonts-noto-cjk and other distributions put them. */
const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
  '/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc',
  'C:\\Windows\\Fonts\\meiryo.ttc',
];

let family: string | null | undefined;

/**
 * The font family plots draw with: a CJK font when one is installed (so Japanese never shows as
 * boxes), else the system sans-serif. MEDCNN_CJK_FONT may name a font file.
 */
export function plotFontFamily(): string {
  if (family === undefined) {
    family = null;
    const candidates = [process.env.MEDCNN_CJK_FONT, ...CJK_FONT_FILES].filter((f): f is string => Boolean(f));
    for (const file of candidates) {
      if (fs.existsSync(file) && GlobalFonts.registerFromPath(file, 'medcnn-cjk')) {
        family = 'medcnn-cjk';
        break;
      }
    }
  }
  return family ? `${family}, sans-serif` : 'DejaVu Sans, sans-serif';
}

/** Whether a CJK font was found; Japanese plots need one. */
export function hasCjkFont(): boolean {
  plotFontFamily();
  return family !== null;
}
