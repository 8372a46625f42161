import type { DatasetInfo } from '../dataset-info.js';

/** RetinaMNIST: facts as the medmnist package's INFO['retinamnist'] (MedMNIST v3 / MedMNIST+). */
export const retinamnist: DatasetInfo = {
  flag: 'retinamnist',
  pythonClass: 'RetinaMNIST',
  modality: 'fundus',
  task: 'ordinal-regression',
  channels: 3,
  samples: { train: 1080, val: 120, test: 400 },
  license: 'CC BY 4.0',
  labels: [
    { en: '0', ja: '0' },
    { en: '1', ja: '1' },
    { en: '2', ja: '2' },
    { en: '3', ja: '3' },
    { en: '4', ja: '4' },
  ],
  files: {
    28: {
      fileName: 'retinamnist.npz',
      url: 'https://zenodo.org/records/10519652/files/retinamnist.npz?download=1',
      md5: 'bd4c0672f1bba3e3a89f0e4e876791e4',
    },
    64: {
      fileName: 'retinamnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/retinamnist_64.npz?download=1',
      md5: 'afda852cc34dcda56f86ad2b2457dbcc',
    },
    128: {
      fileName: 'retinamnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/retinamnist_128.npz?download=1',
      md5: 'e48e916a24454daf90583d4e6efb1a18',
    },
    224: {
      fileName: 'retinamnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/retinamnist_224.npz?download=1',
      md5: 'eae7e3b6f3fcbda4ae613ebdcbe35348',
    },
  },
  description: {
    en: 'The RetinaMNIST is based on the DeepDRiD challenge, which provides a dataset of 1,600 retina fundus images. The task is ordinal regression for 5-level grading of diabetic retinopathy severity. We split the source training set with a ratio of 9:1 into training and validation set, and use the source validation set as the test set. The source images of 3×1,736×1,824 are center-cropped and resized into 3×28×28.',
    ja: 'RetinaMNIST は、眼底写真 1,600 枚のデータセットを提供する DeepDRiD チャレンジに基づく。タスクは糖尿病網膜症の重症度を5段階で判定する順序回帰である。元の学習セットを 9:1 の比で学習セットと検証セットに分け、元の検証セットをテストセットとして用いる。3×1,736×1,824 の元画像の中央を切り出し、3×28×28 に縮小している。',
  },
};
