import type { ModalityPreset } from './preset.js';

const DEPTH =
  'the transducer is at the top and depth runs down: posterior acoustic shadowing under a solid mass or enhancement under a cyst (BI-RADS features) must stay below the lesion';

/** Breast ultrasound (BreastMNIST). */
export const ultrasound: ModalityPreset = {
  modality: 'ultrasound',
  title: { en: 'Ultrasound', ja: '超音波' },
  transforms: 'hflip,rotate:5,translate:0.06,zoom:0.1,brightness:0.1,contrast:0.15,gamma:0.2',
  fill: 'reflect',
  why: 'The probe can be held either way round, so a left–right mirror is a real scan; gain and depth settings vary, so intensity changes are real. Depth always runs down the image, so nothing may turn it upside down.',
  rules: {
    rotate: { allowed: true, max: 10, why: 'the beam runs down the image; a tilted image tilts the shadows too' },
    translate: { allowed: true, max: 0.15, why: 'the lesion is not always centred' },
    zoom: { allowed: true, max: 0.2, why: 'depth settings change the scale' },
    hflip: {
      allowed: true,
      why: 'left and right depend on which breast and how the probe is held; a mirror is a real scan',
    },
    vflip: { allowed: false, why: DEPTH },
    rot90: { allowed: false, why: DEPTH },
    brightness: { allowed: true, max: 0.2, why: 'overall gain varies by operator' },
    contrast: {
      allowed: true,
      max: 0.3,
      why: 'dynamic range settings vary; large changes alter echogenicity, a diagnostic sign',
    },
    gamma: { allowed: true, max: 0.4, why: 'post-processing curves vary between machines' },
    noise: { allowed: true, max: 0.05, why: 'speckle varies between machines' },
    blur: {
      allowed: true,
      max: 1,
      why: 'lower-frequency probes give softer images; more blurs the lesion margin, a diagnostic sign',
    },
  },
};
