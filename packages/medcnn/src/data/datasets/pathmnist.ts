import type { DatasetInfo } from '../dataset-info.js';

/** PathMNIST: facts as the medmnist package's INFO['pathmnist'] (MedMNIST v3 / MedMNIST+). */
export const pathmnist: DatasetInfo = {
  flag: 'pathmnist',
  pythonClass: 'PathMNIST',
  modality: 'histopathology',
  task: 'multi-class',
  channels: 3,
  samples: { train: 89996, val: 10004, test: 7180 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'adipose', ja: '脂肪組織' },
    { en: 'background', ja: '背景' },
    { en: 'debris', ja: '壊死片' },
    { en: 'lymphocytes', ja: 'リンパ球' },
    { en: 'mucus', ja: '粘液' },
    { en: 'smooth muscle', ja: '平滑筋' },
    { en: 'normal colon mucosa', ja: '正常大腸粘膜' },
    { en: 'cancer-associated stroma', ja: '癌関連間質' },
    { en: 'colorectal adenocarcinoma epithelium', ja: '大腸腺癌上皮' },
  ],
  files: {
    28: {
      fileName: 'pathmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/pathmnist.npz?download=1',
      md5: 'a8b06965200029087d5bd730944a56c1',
    },
    64: {
      fileName: 'pathmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/pathmnist_64.npz?download=1',
      md5: '55aa9c1e0525abe5a6b9d8343a507616',
    },
    128: {
      fileName: 'pathmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/pathmnist_128.npz?download=1',
      md5: 'ac42d08fb904d92c244187169d1fd1d9',
    },
    224: {
      fileName: 'pathmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/pathmnist_224.npz?download=1',
      md5: '2c51a510bcdc9cf8ddb2af93af1eadec',
    },
  },
  description: {
    en: 'The PathMNIST is based on a prior study for predicting survival from colorectal cancer histology slides, providing a dataset (NCT-CRC-HE-100K) of 100,000 non-overlapping image patches from hematoxylin & eosin stained histological images, and a test dataset (CRC-VAL-HE-7K) of 7,180 image patches from a different clinical center. The dataset is comprised of 9 types of tissues, resulting in a multi-class classification task. We resize the source images of 3×224×224 into 3×28×28, and split NCT-CRC-HE-100K into training and validation set with a ratio of 9:1. The CRC-VAL-HE-7K is treated as the test set.',
    ja: 'PathMNIST は、大腸癌の組織標本から生存を予測した既存の研究に基づく。ヘマトキシリン・エオジン（H&E）染色の組織画像から重ならないように切り出した 100,000 枚の画像パッチ（NCT-CRC-HE-100K）と、別の医療機関の 7,180 枚の画像パッチからなるテスト用データセット（CRC-VAL-HE-7K）を提供している。9種類の組織からなり、多クラス分類タスクとなる。3×224×224 の元画像を 3×28×28 に縮小し、NCT-CRC-HE-100K を 9:1 の比で学習セットと検証セットに分けた。CRC-VAL-HE-7K をテストセットとする。',
  },
};
