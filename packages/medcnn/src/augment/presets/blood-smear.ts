import type { ModalityPreset } from './preset.js';

/** Microscopy of single blood cells (BloodMNIST). */
export const bloodSmear: ModalityPreset = {
  modality: 'blood-smear',
  title: { en: 'Blood smear', ja: '血液塗抹' },
  transforms: 'hflip,vflip,rot90,translate:0.05,brightness:0.1,contrast:0.1,gamma:0.1',
  fill: 'reflect',
  why: {
    en: 'A cell on a smear has no orientation, so flips and turns are real. Cell size tells a lymphocyte from a monocyte and the microscope’s magnification is fixed, so zoom stays small, and the cell of interest must stay in the centre of the crop.',
    ja: '塗抹標本上の細胞には向きがないので、反転や90°回転は現実にありうる。細胞の大きさはリンパ球と単球を見分ける手がかりで、顕微鏡の倍率は固定されているため、拡大縮小は小さく抑え、注目する細胞は切り出し画像の中央に残す必要がある。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: {
      allowed: true,
      max: 180,
      why: { en: 'a cell on a smear has no orientation', ja: '塗抹標本上の細胞には向きがない' },
    },
    translate: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'the cell of interest is centred; larger shifts move it out and show its neighbours instead',
        ja: '注目する細胞は中央にある。大きくずらすとその細胞が外れ、代わりに隣の細胞が写る',
      },
    },
    zoom: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'cell size is diagnostic (lymphocyte vs monocyte, red-cell comparison) and magnification is fixed',
        ja: '細胞の大きさは診断に重要であり（リンパ球と単球の区別、赤血球との比較）、倍率は固定されている',
      },
    },
    hflip: { allowed: true, why: { en: 'a cell has no left or right', ja: '細胞には左右がない' } },
    vflip: { allowed: true, why: { en: 'a cell has no up or down', ja: '細胞には上下がない' } },
    rot90: { allowed: true, why: { en: 'a cell has no orientation', ja: '細胞には向きがない' } },
    brightness: { allowed: true, max: 0.2, why: { en: 'illumination varies', ja: '照明は変動する' } },
    contrast: {
      allowed: true,
      max: 0.2,
      why: {
        en: 'staining varies; granules and nuclear shape must stay visible',
        ja: '染色は変動するが、顆粒と核の形は見えたままでなければならない',
      },
    },
    gamma: { allowed: true, max: 0.3, why: { en: 'stains and cameras vary', ja: '染色やカメラは異なる' } },
    noise: { allowed: true, max: 0.03, why: { en: 'camera noise', ja: 'カメラのノイズ' } },
    blur: {
      allowed: true,
      max: 0.7,
      why: {
        en: 'slight defocus; more erases granules that tell the cell types apart',
        ja: 'わずかなピントのずれ。これを超えると細胞の種類を見分ける顆粒が消える',
      },
    },
  },
};
