import type { DatasetInfo } from '../dataset-info.js';

/** BloodMNIST: facts as the medmnist package's INFO['bloodmnist'] (MedMNIST v3 / MedMNIST+). */
export const bloodmnist: DatasetInfo = {
  flag: 'bloodmnist',
  pythonClass: 'BloodMNIST',
  modality: 'blood-smear',
  task: 'multi-class',
  channels: 3,
  samples: { train: 11959, val: 1712, test: 3421 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'basophil', ja: '好塩基球' },
    { en: 'eosinophil', ja: '好酸球' },
    { en: 'erythroblast', ja: '赤芽球' },
    {
      en: 'immature granulocytes(myelocytes, metamyelocytes and promyelocytes)',
      ja: '幼若顆粒球（骨髄球・後骨髄球・前骨髄球）',
    },
    { en: 'lymphocyte', ja: 'リンパ球' },
    { en: 'monocyte', ja: '単球' },
    { en: 'neutrophil', ja: '好中球' },
    { en: 'platelet', ja: '血小板' },
  ],
  files: {
    28: {
      fileName: 'bloodmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/bloodmnist.npz?download=1',
      md5: '7053d0359d879ad8a5505303e11de1dc',
    },
    64: {
      fileName: 'bloodmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/bloodmnist_64.npz?download=1',
      md5: '2b94928a2ae4916078ca51e05b6b800b',
    },
    128: {
      fileName: 'bloodmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/bloodmnist_128.npz?download=1',
      md5: 'adace1e0ed228fccda1f39692059dd4c',
    },
    224: {
      fileName: 'bloodmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/bloodmnist_224.npz?download=1',
      md5: 'b718ff6835fcbdb22ba9eacccd7b2601',
    },
  },
  description: {
    en: 'The BloodMNIST is based on a dataset of individual normal cells, captured from individuals without infection, hematologic or oncologic disease and free of any pharmacologic treatment at the moment of blood collection. It contains a total of 17,092 images and is organized into 8 classes. We split the source dataset with a ratio of 7:1:2 into training, validation and test set. The source images with resolution 3×360×363 pixels are center-cropped into 3×200×200, and then resized into 3×28×28.',
    ja: 'BloodMNIST は、採血時に感染症・血液疾患・腫瘍性疾患がなく、薬物治療も受けていない人から得た正常な血球を1個ずつ撮影したデータセットに基づく。計 17,092 枚の画像が8クラスに分類されている。元のデータセットを 7:1:2 の比で学習・検証・テストセットに分けた。解像度 3×360×363 ピクセルの元画像の中央を 3×200×200 に切り出し、3×28×28 に縮小している。',
  },
};
