import type { ModalityPreset } from './preset.js';

/** Abdominal CT slices (OrganAMNIST, OrganCMNIST, OrganSMNIST). */
export const ct: ModalityPreset = {
  modality: 'ct',
  title: { en: 'CT', ja: 'CT' },
  transforms: 'rotate:10,translate:0.06,zoom:0.1,brightness:0.05,contrast:0.1,noise:0.02',
  fill: 'reflect',
  why: {
    en: 'Patients lie on the table a little rotated and are of different sizes, so small rotations, shifts and zooms are real. CT values are calibrated Hounsfield units, so only small intensity changes (like another window setting) are allowed, and no mirror or turn: left and right organs and the direction of gravity are part of the anatomy.',
    ja: '患者は寝台の上でわずかに回転して横たわり、体格もさまざまなので、小さな回転・平行移動・拡大縮小は現実にありうる。CT値は較正されたハウンスフィールド単位（HU）なので、輝度の変化は（別のウィンドウ設定に相当する）小さなものに限り、反転や90°回転は使わない。臓器の左右と重力の向きは解剖の一部だからである。',
  },
  evidence: { verdict: 'unmeasured' },
  rules: {
    rotate: {
      allowed: true,
      max: 15,
      why: { en: 'patients lie a few degrees rotated on the table', ja: '患者は寝台の上で数度回転して横たわる' },
    },
    translate: {
      allowed: true,
      max: 0.15,
      why: { en: 'the organ crop is centred only roughly', ja: '臓器の切り出しはおおよそ中央に合わせてあるだけである' },
    },
    zoom: {
      allowed: true,
      max: 0.2,
      why: {
        en: 'body size varies; more changes how big an organ looks',
        ja: '体格は異なるが、これを超えると臓器の見かけの大きさが変わる',
      },
    },
    hflip: {
      allowed: false,
      why: {
        en: 'CT is shown with the patient’s right on the image left; a mirror creates situs inversus (liver on the left) and turns a left kidney, lung or femur into a right one, which are different OrganMNIST classes',
        ja: 'CTは患者の右側を画像の左に表示する。左右反転すると内臓逆位（肝臓が左）になり、左の腎臓・肺・大腿骨が右のものに変わるが、これらはOrganMNISTでは別のクラスである',
      },
    },
    vflip: {
      allowed: false,
      why: {
        en: 'an upside-down CT slice is not a real image: the patient lies on the table, so the back is down (axial) or the head up (coronal, sagittal), and gravity places fluid levels, dependent lung and free air',
        ja: '上下逆さのCTスライスは現実にはありえない。患者は寝台に横たわるので背側が下（横断像）、頭側が上（冠状断・矢状断）であり、液面、肺の荷重部（背側）、遊離ガスの位置は重力で決まる',
      },
    },
    rot90: {
      allowed: false,
      why: {
        en: 'a CT slice on its side is not a real image: anatomy and gravity fix its orientation',
        ja: '横倒しのCTスライスは現実にはありえない。解剖と重力が向きを決めている',
      },
    },
    brightness: {
      allowed: true,
      max: 0.1,
      why: {
        en: 'CT values are Hounsfield units: fat, water, soft tissue and bone are told apart by value; small shifts mimic another window, large ones change the tissue',
        ja: 'CT値はハウンスフィールド単位であり、脂肪・水・軟部組織・骨はその値で見分ける。小さなずれは別のウィンドウ設定に相当するが、大きなずれは組織そのものを変えてしまう',
      },
    },
    contrast: {
      allowed: true,
      max: 0.2,
      why: {
        en: 'a small change mimics another window width; a large one changes which tissues look alike',
        ja: '小さな変化は別のウィンドウ幅に相当するが、大きな変化はどの組織が似て見えるかを変えてしまう',
      },
    },
    gamma: {
      allowed: true,
      max: 0.2,
      why: {
        en: 'only small changes keep Hounsfield values meaningful',
        ja: '小さな変化でなければハウンスフィールド値の意味が保たれない',
      },
    },
    noise: {
      allowed: true,
      max: 0.05,
      why: { en: 'low-dose scans are noisier', ja: '低線量撮影ではノイズが多い' },
    },
    blur: {
      allowed: true,
      max: 1,
      why: {
        en: 'thicker slices and smoother reconstruction kernels blur a little',
        ja: '厚いスライスや平滑な再構成関数では画像が少しぼける',
      },
    },
  },
};
