import type { ModalityPreset } from './preset.js';

const GRAVITY =
  'gravity puts air–fluid levels, pleural effusions and free air under the diaphragm in fixed places, and the diaphragm below the lungs';

/** Chest radiographs (PneumoniaMNIST, ChestMNIST). */
export const chestXray: ModalityPreset = {
  modality: 'chest-xray',
  title: { en: 'Chest X-ray', ja: '胸部X線' },
  transforms: 'rotate:10,translate:0.06,zoom:0.1,brightness:0.05,contrast:0.1,gamma:0.15,noise:0.02',
  fill: 'reflect',
  why: 'Patients stand or lie a few degrees off straight, at different distances and exposures, so small rotations, shifts, zooms and exposure changes give new real-looking films. Mirrors and turns do not: the heart is on the left and gravity points down.',
  rules: {
    rotate: {
      allowed: true,
      max: 15,
      why: 'positioning varies by a few degrees; beyond about 15° a film no longer looks like a PA/AP projection',
    },
    translate: {
      allowed: true,
      max: 0.15,
      why: 'centring varies; larger shifts push the lung bases or apices out of the image',
    },
    zoom: {
      allowed: true,
      max: 0.2,
      why: 'patient size and source distance vary; heart size relative to the chest (the cardiothoracic ratio) is kept by a uniform zoom',
    },
    hflip: {
      allowed: false,
      why: 'a left–right mirror of a chest X-ray puts the heart on the right (dextrocardia, situs inversus): a different diagnosis, not a new view',
    },
    vflip: { allowed: false, why: `an upside-down chest film is not a real image: ${GRAVITY}` },
    rot90: { allowed: false, why: `a chest film on its side or upside down is not a real image: ${GRAVITY}` },
    brightness: {
      allowed: true,
      max: 0.2,
      why: 'exposure varies between machines; large changes can wash out or invent the opacities that mean pneumonia',
    },
    contrast: {
      allowed: true,
      max: 0.3,
      why: 'processing varies between machines; large changes can wash out or invent opacities',
    },
    gamma: {
      allowed: true,
      max: 0.4,
      why: 'detector response curves vary; larger changes alter how dense the lungs look',
    },
    noise: { allowed: true, max: 0.05, why: 'quantum noise of low-dose films; more hides fine interstitial patterns' },
    blur: { allowed: true, max: 1.5, why: 'slight motion or low resolution; more erases small nodules and lines' },
  },
};
