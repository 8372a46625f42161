import type { ModalityPreset } from './preset.js';

/** Dermoscopic images of skin lesions (DermaMNIST). */
export const dermoscopy: ModalityPreset = {
  modality: 'dermoscopy',
  title: { en: 'Dermoscopy', ja: 'ダーモスコピー' },
  transforms: 'hflip,vflip,rot90,rotate:30,zoom:0.1,brightness:0.1,contrast:0.1,gamma:0.1',
  fill: 'reflect',
  why: 'A skin lesion has no up, down, left or right, and the dermatoscope is put on at any angle, so every flip and rotation is a real image; the ABCD criteria (asymmetry, border, colour, diameter) do not change under them. Colour is diagnostic (blue-white veil, regression), so intensity changes stay modest.',
  rules: {
    rotate: { allowed: true, max: 180, why: 'the dermatoscope is placed at any angle' },
    translate: {
      allowed: true,
      max: 0.1,
      why: 'the lesion is centred; larger shifts cut off its border, which is diagnostic',
    },
    zoom: {
      allowed: true,
      max: 0.2,
      why: 'magnification varies between devices; diameter is a criterion, so keep it moderate',
    },
    hflip: { allowed: true, why: 'a skin lesion has no left or right' },
    vflip: { allowed: true, why: 'a skin lesion has no up or down' },
    rot90: { allowed: true, why: 'the dermatoscope is placed at any angle' },
    brightness: { allowed: true, max: 0.2, why: 'lighting varies between devices' },
    contrast: { allowed: true, max: 0.2, why: 'colour and its variegation are diagnostic' },
    gamma: { allowed: true, max: 0.3, why: 'devices differ in response; colour is diagnostic' },
    noise: { allowed: true, max: 0.03, why: 'sensor noise' },
    blur: { allowed: true, max: 1, why: 'slight defocus; more erases the pigment network and dots, key structures' },
  },
};
