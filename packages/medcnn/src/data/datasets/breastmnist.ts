import type { DatasetInfo } from '../dataset-info.js';

/** BreastMNIST: facts as the medmnist package's INFO['breastmnist'] (MedMNIST v3 / MedMNIST+). */
export const breastmnist: DatasetInfo = {
  flag: 'breastmnist',
  pythonClass: 'BreastMNIST',
  modality: 'ultrasound',
  task: 'binary-class',
  positiveClass: 0,
  channels: 1,
  samples: { train: 546, val: 78, test: 156 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'malignant', ja: '悪性' },
    { en: 'normal, benign', ja: '正常・良性' },
  ],
  files: {
    28: {
      fileName: 'breastmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/breastmnist.npz?download=1',
      md5: '750601b1f35ba3300ea97c75c52ff8f6',
    },
    64: {
      fileName: 'breastmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/breastmnist_64.npz?download=1',
      md5: '742edef2a1fd1524b2efff4bd7ba9364',
    },
    128: {
      fileName: 'breastmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/breastmnist_128.npz?download=1',
      md5: '363e4b3f8d712e9b5de15470a2aaadf1',
    },
    224: {
      fileName: 'breastmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/breastmnist_224.npz?download=1',
      md5: 'b56378a6eefa9fed602bb16d192d4c8b',
    },
  },
  description: {
    en: 'The BreastMNIST is based on a dataset of 780 breast ultrasound images. It is categorized into 3 classes: normal, benign, and malignant. As we use low-resolution images, we simplify the task into binary classification by combining normal and benign as positive and classifying them against malignant as negative. We split the source dataset with a ratio of 7:1:2 into training, validation and test set. The source images of 1×500×500 are resized into 1×28×28.',
    ja: 'BreastMNIST は、乳腺超音波画像 780 枚のデータセットに基づく。元は正常・良性・悪性の3クラスに分類されている。低解像度の画像を用いるため、正常と良性をまとめて陽性とし、陰性とした悪性と区別する2クラス分類にタスクを単純化している。元のデータセットを 7:1:2 の比で学習・検証・テストセットに分けた。1×500×500 の元画像を 1×28×28 に縮小している。',
  },
};
