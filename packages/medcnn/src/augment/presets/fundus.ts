import type { ModalityPreset } from './preset.js';

/** Colour fundus photographs graded for diabetic retinopathy (RetinaMNIST). */
export const fundus: ModalityPreset = {
  modality: 'fundus',
  title: { en: 'Fundus photograph', ja: '眼底写真' },
  transforms: 'hflip,vflip,rotate:180,zoom:0.1,brightness:0.1,contrast:0.15,gamma:0.2',
  fill: 'black',
  why: 'The diabetic-retinopathy grade counts lesions (microaneurysms, haemorrhages, exudates, new vessels), which mean the same in every quadrant, and a mirrored fundus is the fellow eye, so flips and any rotation keep the grade. (Not for tasks that need laterality or quadrants, such as glaucoma’s ISNT rule.) Cameras differ in illumination; blur is kept small because it erases microaneurysms, the first sign.',
  rules: {
    rotate: {
      allowed: true,
      max: 180,
      why: 'the grade does not depend on where a lesion is, so any rotation keeps it',
    },
    translate: {
      allowed: true,
      max: 0.1,
      why: 'the fundus disc is centred by the camera; larger shifts cut off the periphery where lesions may be',
    },
    zoom: { allowed: true, max: 0.15, why: 'field of view varies a little between cameras' },
    hflip: {
      allowed: true,
      why: 'a mirrored fundus is the fellow eye (optic disc and macula swap sides, as between right and left eyes)',
    },
    vflip: {
      allowed: true,
      why: 'the grade counts lesions regardless of quadrant; a vertical mirror is a rotated fellow eye',
    },
    rot90: { allowed: true, why: 'the grade counts lesions regardless of quadrant' },
    brightness: { allowed: true, max: 0.2, why: 'flash and pupil size vary' },
    contrast: { allowed: true, max: 0.3, why: 'cameras differ; large changes hide exudates or haemorrhages' },
    gamma: { allowed: true, max: 0.4, why: 'cameras differ in response' },
    noise: { allowed: true, max: 0.03, why: 'sensor noise; more looks like microaneurysms' },
    blur: { allowed: true, max: 0.7, why: 'slight defocus is common; more erases microaneurysms' },
  },
};
