import type { ModalityPreset } from './preset.js';

/** Abdominal CT slices (OrganAMNIST, OrganCMNIST, OrganSMNIST). */
export const ct: ModalityPreset = {
  modality: 'ct',
  title: { en: 'CT', ja: 'CT' },
  transforms: 'rotate:10,translate:0.06,zoom:0.1,brightness:0.05,contrast:0.1,noise:0.02',
  fill: 'reflect',
  why: 'Patients lie on the table a little rotated and are of different sizes, so small rotations, shifts and zooms are real. CT values are calibrated Hounsfield units, so only small intensity changes (like another window setting) are allowed, and no mirror or turn: left and right organs and the direction of gravity are part of the anatomy.',
  rules: {
    rotate: { allowed: true, max: 15, why: 'patients lie a few degrees rotated on the table' },
    translate: { allowed: true, max: 0.15, why: 'the organ crop is centred only roughly' },
    zoom: { allowed: true, max: 0.2, why: 'body size varies; more changes how big an organ looks' },
    hflip: {
      allowed: false,
      why: 'CT is shown with the patient’s right on the image left; a mirror creates situs inversus (liver on the left) and turns a left kidney, lung or femur into a right one, which are different OrganMNIST classes',
    },
    vflip: {
      allowed: false,
      why: 'an upside-down CT slice is not a real image: the patient lies on the table, so the back is down (axial) or the head up (coronal, sagittal), and gravity places fluid levels, dependent lung and free air',
    },
    rot90: {
      allowed: false,
      why: 'a CT slice on its side is not a real image: anatomy and gravity fix its orientation',
    },
    brightness: {
      allowed: true,
      max: 0.1,
      why: 'CT values are Hounsfield units: fat, water, soft tissue and bone are told apart by value; small shifts mimic another window, large ones change the tissue',
    },
    contrast: {
      allowed: true,
      max: 0.2,
      why: 'a small change mimics another window width; a large one changes which tissues look alike',
    },
    gamma: { allowed: true, max: 0.2, why: 'only small changes keep Hounsfield values meaningful' },
    noise: { allowed: true, max: 0.05, why: 'low-dose scans are noisier' },
    blur: { allowed: true, max: 1, why: 'thicker slices and smoother reconstruction kernels blur a little' },
  },
};
