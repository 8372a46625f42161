import type { DatasetInfo } from '../dataset-info.js';

/** TissueMNIST: facts as the medmnist package's INFO['tissuemnist'] (MedMNIST v3 / MedMNIST+). */
export const tissuemnist: DatasetInfo = {
  flag: 'tissuemnist',
  pythonClass: 'TissueMNIST',
  modality: 'histopathology',
  task: 'multi-class',
  channels: 1,
  samples: { train: 165466, val: 23640, test: 47280 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'Collecting Duct, Connecting Tubule', ja: '集合管・接合尿細管' },
    { en: 'Distal Convoluted Tubule', ja: '遠位曲尿細管' },
    { en: 'Glomerular endothelial cells', ja: '糸球体内皮細胞' },
    { en: 'Interstitial endothelial cells', ja: '間質内皮細胞' },
    { en: 'Leukocytes', ja: '白血球' },
    { en: 'Podocytes', ja: '足細胞' },
    { en: 'Proximal Tubule Segments', ja: '近位尿細管' },
    { en: 'Thick Ascending Limb', ja: '太い上行脚' },
  ],
  files: {
    28: {
      fileName: 'tissuemnist.npz',
      url: 'https://zenodo.org/records/10519652/files/tissuemnist.npz?download=1',
      md5: 'ebe78ee8b05294063de985d821c1c34b',
    },
    64: {
      fileName: 'tissuemnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/tissuemnist_64.npz?download=1',
      md5: '123ece2eba09d0aa5d698fda57103344',
    },
    128: {
      fileName: 'tissuemnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/tissuemnist_128.npz?download=1',
      md5: '61b955355d7425a89687b06cca3ce0c2',
    },
    224: {
      fileName: 'tissuemnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/tissuemnist_224.npz?download=1',
      md5: 'b077128c4a949f0a4eb01517f9037b9c',
    },
  },
  description: {
    en: 'We use the BBBC051, available from the Broad Bioimage Benchmark Collection. The dataset contains 236,386 human kidney cortex cells, segmented from 3 reference tissue specimens and organized into 8 categories. We split the source dataset with a ratio of 7:1:2 into training, validation and test set. Each gray-scale image is 32×32×7 pixels, where 7 denotes 7 slices. We take maximum values across the slices and resize them into 28×28 gray-scale images.',
    ja: 'Broad Bioimage Benchmark Collection で公開されている BBBC051 を用いる。3つの参照組織標本からセグメンテーションしたヒト腎皮質の細胞 236,386 個を含み、8つのカテゴリに分類されている。元のデータセットを 7:1:2 の比で学習・検証・テストセットに分けた。各グレースケール画像は 32×32×7 ピクセルで、7 は7枚のスライスを表す。スライス方向の最大値をとり、28×28 のグレースケール画像に縮小している。',
  },
};
