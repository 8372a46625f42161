import type { ModalityPreset } from './preset.js';

const LAYERS =
  'retinal layers run in a fixed order from the vitreous (top) to the choroid (bottom); upside down, the pigment epithelium lies above the nerve fibre layer, drusen hang downwards and shadows fall upwards';

/** Retinal OCT B-scans (OCTMNIST). */
export const retinalOct: ModalityPreset = {
  modality: 'retinal-oct',
  title: { en: 'Retinal OCT', ja: '網膜OCT' },
  transforms: 'hflip,rotate:10,translate:0.06,zoom:0.1,brightness:0.1,contrast:0.15,noise:0.02',
  fill: 'reflect',
  why: 'A left–right mirror of a B-scan is the fellow eye’s scan, and scans are often tilted, so mirrors and small rotations are real. The layers of the retina have a fixed order from top to bottom, so nothing may turn it upside down.',
  rules: {
    rotate: { allowed: true, max: 15, why: 'B-scans are often tilted by the eye’s position' },
    translate: { allowed: true, max: 0.15, why: 'the fovea is not always centred' },
    zoom: {
      allowed: true,
      max: 0.15,
      why: 'retinal thickness is diagnostic (macular oedema); keep scale changes small',
    },
    hflip: {
      allowed: true,
      why: 'a horizontal mirror is the fellow eye: nasal and temporal swap, the layers keep their order',
    },
    vflip: { allowed: false, why: LAYERS },
    rot90: { allowed: false, why: LAYERS },
    brightness: { allowed: true, max: 0.2, why: 'signal strength varies between scans' },
    contrast: { allowed: true, max: 0.3, why: 'signal strength varies between scans' },
    gamma: { allowed: true, max: 0.4, why: 'devices map reflectivity to grey differently' },
    noise: { allowed: true, max: 0.05, why: 'speckle varies between scans' },
    blur: { allowed: true, max: 1, why: 'lower-quality scans are softer; more erases thin layers' },
  },
};
