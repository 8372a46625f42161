import type { ModalityPreset } from './preset.js';

/** H&E histology patches and microscopy of kidney cells (PathMNIST, TissueMNIST). */
export const histopathology: ModalityPreset = {
  modality: 'histopathology',
  title: { en: 'Histopathology', ja: '病理組織' },
  transforms: 'hflip,vflip,rot90,brightness:0.1,contrast:0.15,gamma:0.15',
  fill: 'reflect',
  why: {
    en: 'A tissue section has no orientation: it is cut and mounted any way round, so the eight flips and quarter turns are all real (and exact, without interpolation). Stain intensity varies between labs and scanners. Magnification is fixed and nuclear size is diagnostic, so zoom stays small.',
    ja: '組織切片には向きがない。どの向きにでも薄切され封入されるので、8通りの反転と90°回転はすべて現実にありうる（しかも補間なしで正確である）。染色の濃さは施設やスキャナによって異なる。倍率は固定されていて核の大きさは診断に重要なので、拡大縮小は小さく抑える。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: { allowed: true, max: 180, why: { en: 'a slide has no up or down', ja: 'スライドには上下がない' } },
    translate: {
      allowed: true,
      max: 0.25,
      why: { en: 'a patch is a random window on the tissue', ja: 'パッチは組織上の任意の位置の切り出しである' },
    },
    zoom: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'magnification is fixed and enlarged nuclei mean dysplasia or tumour',
        ja: '倍率は固定されており、核の腫大は異形成や腫瘍を意味する',
      },
    },
    hflip: { allowed: true, why: { en: 'a slide has no left or right', ja: 'スライドには左右がない' } },
    vflip: { allowed: true, why: { en: 'a slide has no up or down', ja: 'スライドには上下がない' } },
    rot90: { allowed: true, why: { en: 'a slide has no orientation', ja: 'スライドには向きがない' } },
    brightness: {
      allowed: true,
      max: 0.2,
      why: { en: 'stain and scanner intensity vary', ja: '染色やスキャナによって濃さは変動する' },
    },
    contrast: {
      allowed: true,
      max: 0.3,
      why: { en: 'staining strength varies between labs', ja: '染色の強さは施設によって異なる' },
    },
    gamma: { allowed: true, max: 0.3, why: { en: 'scanners differ in response', ja: 'スキャナによって応答が異なる' } },
    noise: { allowed: true, max: 0.03, why: { en: 'scanner noise', ja: 'スキャナのノイズ' } },
    blur: {
      allowed: true,
      max: 1,
      why: {
        en: 'focus varies across a slide; more erases nuclear detail',
        ja: 'ピントはスライド内で変動するが、これを超えると核の細部が消える',
      },
    },
  },
};
