import type { DatasetInfo } from '../dataset-info.js';

/** PneumoniaMNIST: facts as the medmnist package's INFO['pneumoniamnist'] (MedMNIST v3 / MedMNIST+). */
export const pneumoniamnist: DatasetInfo = {
  flag: 'pneumoniamnist',
  pythonClass: 'PneumoniaMNIST',
  modality: 'chest-xray',
  task: 'binary-class',
  positiveClass: 1,
  channels: 1,
  samples: { train: 4708, val: 524, test: 624 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'normal', ja: '正常' },
    { en: 'pneumonia', ja: '肺炎' },
  ],
  files: {
    28: {
      fileName: 'pneumoniamnist.npz',
      url: 'https://zenodo.org/records/10519652/files/pneumoniamnist.npz?download=1',
      md5: '28209eda62fecd6e6a2d98b1501bb15f',
    },
    64: {
      fileName: 'pneumoniamnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/pneumoniamnist_64.npz?download=1',
      md5: '8f4eceb4ccffa70c672198ea285246c6',
    },
    128: {
      fileName: 'pneumoniamnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/pneumoniamnist_128.npz?download=1',
      md5: '05b46931834c231683c68f40c47b2971',
    },
    224: {
      fileName: 'pneumoniamnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/pneumoniamnist_224.npz?download=1',
      md5: 'd6a3c71de1b945ea11211b03746c1fe1',
    },
  },
  description: {
    en: 'The PneumoniaMNIST is based on a prior dataset of 5,856 pediatric chest X-Ray images. The task is binary-class classification of pneumonia against normal. We split the source training set with a ratio of 9:1 into training and validation set and use its source validation set as the test set. The source images are gray-scale, and their sizes are (384−2,916)×(127−2,713). We center-crop the images and resize them into 1×28×28.',
    ja: 'PneumoniaMNIST は、小児の胸部X線画像 5,856 枚からなる既存のデータセットに基づく。タスクは肺炎と正常の2クラス分類である。元の学習セットを 9:1 の比で学習セットと検証セットに分け、元の検証セットをテストセットとして用いる。元画像はグレースケールで、大きさは (384−2,916)×(127−2,713) である。画像の中央を切り出し、1×28×28 に縮小している。',
  },
};
