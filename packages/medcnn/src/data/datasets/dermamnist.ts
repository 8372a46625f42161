import type { DatasetInfo } from '../dataset-info.js';

/** DermaMNIST: facts as the medmnist package's INFO['dermamnist'] (MedMNIST v3 / MedMNIST+). */
export const dermamnist: DatasetInfo = {
  flag: 'dermamnist',
  pythonClass: 'DermaMNIST',
  modality: 'dermoscopy',
  task: 'multi-class',
  channels: 3,
  samples: { train: 7007, val: 1003, test: 2005 },
  license: 'CC BY-NC 4.0',
  labels: [
    { en: 'actinic keratoses and intraepithelial carcinoma', ja: '日光角化症・上皮内癌' },
    { en: 'basal cell carcinoma', ja: '基底細胞癌' },
    { en: 'benign keratosis-like lesions', ja: '良性角化症様病変' },
    { en: 'dermatofibroma', ja: '皮膚線維腫' },
    { en: 'melanoma', ja: '悪性黒色腫' },
    { en: 'melanocytic nevi', ja: '色素性母斑' },
    { en: 'vascular lesions', ja: '血管病変' },
  ],
  files: {
    28: {
      fileName: 'dermamnist.npz',
      url: 'https://zenodo.org/records/10519652/files/dermamnist.npz?download=1',
      md5: '0744692d530f8e62ec473284d019b0c7',
    },
    64: {
      fileName: 'dermamnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/dermamnist_64.npz?download=1',
      md5: 'b70a2f5635c6199aeaa28c31d7202e1f',
    },
    128: {
      fileName: 'dermamnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/dermamnist_128.npz?download=1',
      md5: '2defd784463fa5243564e855ed717de1',
    },
    224: {
      fileName: 'dermamnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/dermamnist_224.npz?download=1',
      md5: '8974907d8e169bef5f5b96bc506ae45d',
    },
  },
  description: {
    en: 'The DermaMNIST is based on the HAM10000, a large collection of multi-source dermatoscopic images of common pigmented skin lesions. The dataset consists of 10,015 dermatoscopic images categorized as 7 different diseases, formulized as a multi-class classification task. We split the images into training, validation and test set with a ratio of 7:1:2. The source images of 3×600×450 are resized into 3×28×28.',
    ja: 'DermaMNIST は、よく見られる色素性皮膚病変のダーモスコピー画像を複数の施設から大規模に集めた HAM10000 に基づく。7種類の疾患に分類された 10,015 枚のダーモスコピー画像からなり、多クラス分類タスクとして定式化されている。画像を 7:1:2 の比で学習・検証・テストセットに分けた。3×600×450 の元画像を 3×28×28 に縮小している。',
  },
};
