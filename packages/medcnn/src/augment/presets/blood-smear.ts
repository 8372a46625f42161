import type { ModalityPreset } from './preset.js';

/** Microscopy of single blood cells (BloodMNIST). */
export const bloodSmear: ModalityPreset = {
  modality: 'blood-smear',
  title: { en: 'Blood smear', ja: '血液塗抹' },
  transforms: 'hflip,vflip,rot90,translate:0.05,brightness:0.1,contrast:0.1,gamma:0.1',
  fill: 'reflect',
  why: 'A cell on a smear has no orientation, so flips and turns are real. Cell size tells a lymphocyte from a monocyte and the microscope’s magnification is fixed, so zoom stays small, and the cell of interest must stay in the centre of the crop.',
  rules: {
    rotate: { allowed: true, max: 180, why: 'a cell on a smear has no orientation' },
    translate: {
      allowed: true,
      max: 0.1,
      why: 'the cell of interest is centred; larger shifts move it out and show its neighbours instead',
    },
    zoom: {
      allowed: true,
      max: 0.1,
      why: 'cell size is diagnostic (lymphocyte vs monocyte, red-cell comparison) and magnification is fixed',
    },
    hflip: { allowed: true, why: 'a cell has no left or right' },
    vflip: { allowed: true, why: 'a cell has no up or down' },
    rot90: { allowed: true, why: 'a cell has no orientation' },
    brightness: { allowed: true, max: 0.2, why: 'illumination varies' },
    contrast: { allowed: true, max: 0.2, why: 'staining varies; granules and nuclear shape must stay visible' },
    gamma: { allowed: true, max: 0.3, why: 'stains and cameras vary' },
    noise: { allowed: true, max: 0.03, why: 'camera noise' },
    blur: { allowed: true, max: 0.7, why: 'slight defocus; more erases granules that tell the cell types apart' },
  },
};
