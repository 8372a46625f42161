import type { ModalityPreset } from './preset.js';

/** Colour fundus photographs graded for diabetic retinopathy (RetinaMNIST). */
export const fundus: ModalityPreset = {
  modality: 'fundus',
  title: { en: 'Fundus photograph', ja: '眼底写真' },
  transforms: 'hflip,vflip,rotate:180,zoom:0.1,brightness:0.1,contrast:0.15,gamma:0.2',
  fill: 'black',
  why: {
    en: 'The diabetic-retinopathy grade counts lesions (microaneurysms, haemorrhages, exudates, new vessels), which mean the same in every quadrant, and a mirrored fundus is the fellow eye, so flips and any rotation keep the grade. (Not for tasks that need laterality or quadrants, such as glaucoma’s ISNT rule.) Cameras differ in illumination; blur is kept small because it erases microaneurysms, the first sign.',
    ja: '糖尿病網膜症の重症度は病変（毛細血管瘤・出血・硬性白斑・新生血管）を数えて判定し、その意味はどの象限でも同じである。また左右反転した眼底は僚眼（反対側の眼）に相当するので、反転やどの角度の回転でも重症度は変わらない。（緑内障のISNTルールのように左右眼や象限が必要なタスクには使わないこと。）照明はカメラによって異なる。ぼかしは最初の所見である毛細血管瘤を消してしまうので小さく抑える。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: {
      allowed: true,
      max: 180,
      why: {
        en: 'the grade does not depend on where a lesion is, so any rotation keeps it',
        ja: '重症度は病変の位置によらないので、どの角度の回転でも保たれる',
      },
    },
    translate: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'the fundus disc is centred by the camera; larger shifts cut off the periphery where lesions may be',
        ja: '円形の眼底像はカメラで中央に合わせられる。大きくずらすと病変がありうる周辺部が切れる',
      },
    },
    zoom: {
      allowed: true,
      max: 0.15,
      why: { en: 'field of view varies a little between cameras', ja: '画角はカメラによって少し異なる' },
    },
    hflip: {
      allowed: true,
      why: {
        en: 'a mirrored fundus is the fellow eye (optic disc and macula swap sides, as between right and left eyes)',
        ja: '左右反転した眼底は僚眼に相当する（右眼と左眼の関係と同じく、視神経乳頭と黄斑の左右が入れ替わる）',
      },
    },
    vflip: {
      allowed: true,
      why: {
        en: 'the grade counts lesions regardless of quadrant; a vertical mirror is a rotated fellow eye',
        ja: '重症度は象限によらず病変を数えて判定する。上下反転は僚眼を回転したものに相当する',
      },
    },
    rot90: {
      allowed: true,
      why: {
        en: 'the grade counts lesions regardless of quadrant',
        ja: '重症度は象限によらず病変を数えて判定する',
      },
    },
    brightness: {
      allowed: true,
      max: 0.2,
      why: { en: 'flash and pupil size vary', ja: 'フラッシュの強さと瞳孔径は変動する' },
    },
    contrast: {
      allowed: true,
      max: 0.3,
      why: {
        en: 'cameras differ; large changes hide exudates or haemorrhages',
        ja: 'カメラによって異なるが、大きく変えると硬性白斑や出血が隠れる',
      },
    },
    gamma: { allowed: true, max: 0.4, why: { en: 'cameras differ in response', ja: 'カメラによって応答が異なる' } },
    noise: {
      allowed: true,
      max: 0.03,
      why: {
        en: 'sensor noise; more looks like microaneurysms',
        ja: 'センサーのノイズ。これを超えると毛細血管瘤のように見える',
      },
    },
    blur: {
      allowed: true,
      max: 0.7,
      why: {
        en: 'slight defocus is common; more erases microaneurysms',
        ja: 'わずかなピントのずれはよくあるが、これを超えると毛細血管瘤が消える',
      },
    },
  },
};
