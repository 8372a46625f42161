import type { ModalityPreset } from './preset.js';

/** H&E histology patches and microscopy of kidney cells (PathMNIST, TissueMNIST). */
export const histopathology: ModalityPreset = {
  modality: 'histopathology',
  title: { en: 'Histopathology', ja: '病理組織' },
  transforms: 'hflip,vflip,rot90,brightness:0.1,contrast:0.15,gamma:0.15',
  fill: 'reflect',
  why: 'A tissue section has no orientation: it is cut and mounted any way round, so the eight flips and quarter turns are all real (and exact, without interpolation). Stain intensity varies between labs and scanners. Magnification is fixed and nuclear size is diagnostic, so zoom stays small.',
  rules: {
    rotate: { allowed: true, max: 180, why: 'a slide has no up or down' },
    translate: { allowed: true, max: 0.25, why: 'a patch is a random window on the tissue' },
    zoom: { allowed: true, max: 0.1, why: 'magnification is fixed and enlarged nuclei mean dysplasia or tumour' },
    hflip: { allowed: true, why: 'a slide has no left or right' },
    vflip: { allowed: true, why: 'a slide has no up or down' },
    rot90: { allowed: true, why: 'a slide has no orientation' },
    brightness: { allowed: true, max: 0.2, why: 'stain and scanner intensity vary' },
    contrast: { allowed: true, max: 0.3, why: 'staining strength varies between labs' },
    gamma: { allowed: true, max: 0.3, why: 'scanners differ in response' },
    noise: { allowed: true, max: 0.03, why: 'scanner noise' },
    blur: { allowed: true, max: 1, why: 'focus varies across a slide; more erases nuclear detail' },
  },
};
