import type { ModalityPreset } from './preset.js';

const LAYERS = {
  en: 'retinal layers run in a fixed order from the vitreous (top) to the choroid (bottom); upside down, the pigment epithelium lies above the nerve fibre layer, drusen hang downwards and shadows fall upwards',
  ja: '網膜の層は硝子体側（上）から脈絡膜側（下）へ決まった順に並ぶ。上下逆さにすると網膜色素上皮が神経線維層の上に来て、ドルーゼンは下向きに垂れ下がり、影は上向きに落ちる',
};

/** Retinal OCT B-scans (OCTMNIST). */
export const retinalOct: ModalityPreset = {
  modality: 'retinal-oct',
  title: { en: 'Retinal OCT', ja: '網膜OCT' },
  transforms: 'hflip,rotate:10,translate:0.06,zoom:0.1,brightness:0.1,contrast:0.15,noise:0.02',
  fill: 'reflect',
  why: {
    en: 'A left–right mirror of a B-scan is the fellow eye’s scan, and scans are often tilted, so mirrors and small rotations are real. The layers of the retina have a fixed order from top to bottom, so nothing may turn it upside down.',
    ja: 'Bスキャンの左右反転は僚眼（反対側の眼）のスキャンに相当し、スキャンはしばしば傾いているので、左右反転と小さな回転は現実にありうる。網膜の層は上から下へ決まった順に並んでいるので、上下を逆さにする変換は一切使えない。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: {
      allowed: true,
      max: 15,
      why: { en: 'B-scans are often tilted by the eye’s position', ja: 'Bスキャンは眼の位置によってしばしば傾く' },
    },
    translate: {
      allowed: true,
      max: 0.15,
      why: { en: 'the fovea is not always centred', ja: '中心窩が常に中央にあるとは限らない' },
    },
    zoom: {
      allowed: true,
      max: 0.15,
      why: {
        en: 'retinal thickness is diagnostic (macular oedema); keep scale changes small',
        ja: '網膜の厚さは診断に重要である（黄斑浮腫）。スケールの変化は小さく抑える',
      },
    },
    hflip: {
      allowed: true,
      why: {
        en: 'a horizontal mirror is the fellow eye: nasal and temporal swap, the layers keep their order',
        ja: '左右反転は僚眼に相当する。鼻側と耳側が入れ替わるが、層の順序は保たれる',
      },
    },
    vflip: { allowed: false, why: LAYERS },
    rot90: { allowed: false, why: LAYERS },
    brightness: {
      allowed: true,
      max: 0.2,
      why: { en: 'signal strength varies between scans', ja: '信号強度はスキャンごとに異なる' },
    },
    contrast: {
      allowed: true,
      max: 0.3,
      why: { en: 'signal strength varies between scans', ja: '信号強度はスキャンごとに異なる' },
    },
    gamma: {
      allowed: true,
      max: 0.4,
      why: {
        en: 'devices map reflectivity to grey differently',
        ja: '反射強度を濃淡に変換する方法は機器によって異なる',
      },
    },
    noise: {
      allowed: true,
      max: 0.05,
      why: { en: 'speckle varies between scans', ja: 'スペックルはスキャンごとに異なる' },
    },
    blur: {
      allowed: true,
      max: 1,
      why: {
        en: 'lower-quality scans are softer; more erases thin layers',
        ja: '画質の低いスキャンはぼやけているが、これを超えると薄い層が消える',
      },
    },
  },
};
