import type { DatasetInfo } from '../dataset-info.js';

/** OCTMNIST: facts as the medmnist package's INFO['octmnist'] (MedMNIST v3 / MedMNIST+). */
export const octmnist: DatasetInfo = {
  flag: 'octmnist',
  pythonClass: 'OCTMNIST',
  modality: 'retinal-oct',
  task: 'multi-class',
  channels: 1,
  samples: { train: 97477, val: 10832, test: 1000 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'choroidal neovascularization', ja: '脈絡膜新生血管' },
    { en: 'diabetic macular edema', ja: '糖尿病黄斑浮腫' },
    { en: 'drusen', ja: 'ドルーゼン' },
    { en: 'normal', ja: '正常' },
  ],
  files: {
    28: {
      fileName: 'octmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/octmnist.npz?download=1',
      md5: 'c68d92d5b585d8d81f7112f81e2d0842',
    },
    64: {
      fileName: 'octmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/octmnist_64.npz?download=1',
      md5: 'e229e9440236b774d9f0dfef9d07bdaf',
    },
    128: {
      fileName: 'octmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/octmnist_128.npz?download=1',
      md5: '0a97e76651ace45c5d943ee3f65b63ae',
    },
    224: {
      fileName: 'octmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/octmnist_224.npz?download=1',
      md5: 'abc493b6d529d5de7569faaef2773ba3',
    },
  },
  description: {
    en: 'The OCTMNIST is based on a prior dataset of 109,309 valid optical coherence tomography (OCT) images for retinal diseases. The dataset is comprised of 4 diagnosis categories, leading to a multi-class classification task. We split the source training set with a ratio of 9:1 into training and validation set, and use its source validation set as the test set. The source images are gray-scale, and their sizes are (384−1,536)×(277−512). We center-crop the images and resize them into 1×28×28.',
    ja: 'OCTMNIST は、網膜疾患の有効な光干渉断層撮影（OCT）画像 109,309 枚からなる既存のデータセットに基づく。4つの診断カテゴリからなり、多クラス分類タスクとなる。元の学習セットを 9:1 の比で学習セットと検証セットに分け、元の検証セットをテストセットとして用いる。元画像はグレースケールで、大きさは (384−1,536)×(277−512) である。画像の中央を切り出し、1×28×28 に縮小している。',
  },
};
