import type { ModalityPreset } from './preset.js';

const DEPTH = {
  en: 'the transducer is at the top and depth runs down: posterior acoustic shadowing under a solid mass or enhancement under a cyst (BI-RADS features) must stay below the lesion',
  ja: '探触子は画像の上端にあり、深さは下へ向かう。充実性腫瘤の後方音響陰影や嚢胞の後方エコー増強（BI-RADSの所見）は病変の下になければならない',
};

/** Breast ultrasound (BreastMNIST). */
export const ultrasound: ModalityPreset = {
  modality: 'ultrasound',
  title: { en: 'Ultrasound', ja: '超音波' },
  transforms: 'hflip,rotate:5,translate:0.06,zoom:0.1,brightness:0.1,contrast:0.15,gamma:0.2',
  fill: 'reflect',
  why: {
    en: 'The probe can be held either way round, so a left–right mirror is a real scan; gain and depth settings vary, so intensity changes are real. Depth always runs down the image, so nothing may turn it upside down.',
    ja: '探触子はどちら向きにも持てるので、左右反転は現実にありうるスキャンになる。ゲインや深度の設定も変わるので、輝度の変化も現実にありうる。深さは常に画像の下方向なので、上下を逆さにする変換は一切使えない。',
  },
  evidence: {
    verdict: 'hurts',
    size: 28,
    source: {
      en: 'BreastMNIST 28×28 (546 training images), SimpleCNN, 30 epochs, seeds 0, 1, 2 and 42 (medcnn issue 23): test AUC 0.903 without augmentation, 0.860 with this preset, lower in every seed; ACC 0.857 → 0.823',
      ja: 'BreastMNIST 28×28（学習画像 546 枚）、SimpleCNN、30 エポック、シード 0・1・2・42（medcnn issue 23）: テスト AUC はデータ拡張なし 0.903、このプリセットで 0.860。すべてのシードで低下し、ACC も 0.857 → 0.823',
    },
  },
  rules: {
    rotate: {
      allowed: true,
      max: 10,
      why: {
        en: 'the beam runs down the image; a tilted image tilts the shadows too',
        ja: '超音波ビームは画像の下方向に進む。画像を傾けると音響陰影も傾く',
      },
    },
    translate: {
      allowed: true,
      max: 0.15,
      why: { en: 'the lesion is not always centred', ja: '病変が常に中央にあるとは限らない' },
    },
    zoom: {
      allowed: true,
      max: 0.2,
      why: { en: 'depth settings change the scale', ja: '深度の設定によってスケールが変わる' },
    },
    hflip: {
      allowed: true,
      why: {
        en: 'left and right depend on which breast and how the probe is held; a mirror is a real scan',
        ja: '左右はどちらの乳房か、探触子をどう持つかで決まる。左右反転は現実にありうるスキャンである',
      },
    },
    vflip: { allowed: false, why: DEPTH },
    rot90: { allowed: false, why: DEPTH },
    brightness: {
      allowed: true,
      max: 0.2,
      why: { en: 'overall gain varies by operator', ja: '全体のゲインは検査者によって異なる' },
    },
    contrast: {
      allowed: true,
      max: 0.3,
      why: {
        en: 'dynamic range settings vary; large changes alter echogenicity, a diagnostic sign',
        ja: 'ダイナミックレンジの設定は異なるが、大きく変えると診断所見であるエコーレベルが変わる',
      },
    },
    gamma: {
      allowed: true,
      max: 0.4,
      why: { en: 'post-processing curves vary between machines', ja: '後処理のカーブは装置によって異なる' },
    },
    noise: {
      allowed: true,
      max: 0.05,
      why: { en: 'speckle varies between machines', ja: 'スペックルは装置によって異なる' },
    },
    blur: {
      allowed: true,
      max: 1,
      why: {
        en: 'lower-frequency probes give softer images; more blurs the lesion margin, a diagnostic sign',
        ja: '低周波の探触子では画像がぼやけるが、これを超えると診断所見である病変の辺縁がぼける',
      },
    },
  },
};
