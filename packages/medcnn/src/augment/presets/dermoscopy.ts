import type { ModalityPreset } from './preset.js';

/** Dermoscopic images of skin lesions (DermaMNIST). */
export const dermoscopy: ModalityPreset = {
  modality: 'dermoscopy',
  title: { en: 'Dermoscopy', ja: 'ダーモスコピー' },
  transforms: 'hflip,vflip,rot90,rotate:30,zoom:0.1,brightness:0.1,contrast:0.1,gamma:0.1',
  fill: 'reflect',
  why: {
    en: 'A skin lesion has no up, down, left or right, and the dermatoscope is put on at any angle, so every flip and rotation is a real image; the ABCD criteria (asymmetry, border, colour, diameter) do not change under them. Colour is diagnostic (blue-white veil, regression), so intensity changes stay modest.',
    ja: '皮膚病変には上下左右がなく、ダーモスコープはどの角度でも当てられるので、あらゆる反転と回転は現実にありうる画像になり、ABCD基準（非対称性・境界・色調・直径）も変わらない。色調は診断に重要である（青白色ベール、退縮構造）ため、輝度の変化は控えめにする。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: {
      allowed: true,
      max: 180,
      why: { en: 'the dermatoscope is placed at any angle', ja: 'ダーモスコープはどの角度でも当てられる' },
    },
    translate: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'the lesion is centred; larger shifts cut off its border, which is diagnostic',
        ja: '病変は中央にある。大きくずらすと診断に重要な病変の境界が切れる',
      },
    },
    zoom: {
      allowed: true,
      max: 0.2,
      why: {
        en: 'magnification varies between devices; diameter is a criterion, so keep it moderate',
        ja: '倍率は機器によって異なるが、直径は診断基準の一つなので控えめにする',
      },
    },
    hflip: { allowed: true, why: { en: 'a skin lesion has no left or right', ja: '皮膚病変には左右がない' } },
    vflip: { allowed: true, why: { en: 'a skin lesion has no up or down', ja: '皮膚病変には上下がない' } },
    rot90: {
      allowed: true,
      why: { en: 'the dermatoscope is placed at any angle', ja: 'ダーモスコープはどの角度でも当てられる' },
    },
    brightness: {
      allowed: true,
      max: 0.2,
      why: { en: 'lighting varies between devices', ja: '照明は機器によって異なる' },
    },
    contrast: {
      allowed: true,
      max: 0.2,
      why: { en: 'colour and its variegation are diagnostic', ja: '色調とその多様性は診断に重要である' },
    },
    gamma: {
      allowed: true,
      max: 0.3,
      why: {
        en: 'devices differ in response; colour is diagnostic',
        ja: '機器によって応答が異なるが、色調は診断に重要である',
      },
    },
    noise: { allowed: true, max: 0.03, why: { en: 'sensor noise', ja: 'センサーのノイズ' } },
    blur: {
      allowed: true,
      max: 1,
      why: {
        en: 'slight defocus; more erases the pigment network and dots, key structures',
        ja: 'わずかなピントのずれ。これを超えると重要な構造である色素ネットワークや色素点が消える',
      },
    },
  },
};
