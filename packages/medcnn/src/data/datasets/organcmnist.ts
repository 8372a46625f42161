import type { DatasetInfo } from '../dataset-info.js';
import { ORGAN_LABELS } from './organ-labels.js';

/** OrganCMNIST: facts as the medmnist package's INFO['organcmnist'] (MedMNIST v3 / MedMNIST+). */
export const organcmnist: DatasetInfo = {
  flag: 'organcmnist',
  pythonClass: 'OrganCMNIST',
  modality: 'ct',
  task: 'multi-class',
  channels: 1,
  samples: { train: 12975, val: 2392, test: 8216 },
  license: 'CC BY 4.0',
  labels: ORGAN_LABELS,
  files: {
    28: {
      fileName: 'organcmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/organcmnist.npz?download=1',
      md5: 'b9ceb9546e10131b32923c5bbeaea2b1',
    },
    64: {
      fileName: 'organcmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/organcmnist_64.npz?download=1',
      md5: '3ce34a8724ea6f548e6db4744d03b6a9',
    },
    128: {
      fileName: 'organcmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/organcmnist_128.npz?download=1',
      md5: '773c1f009daa3fe5d9a2a201b2a7ed94',
    },
    224: {
      fileName: 'organcmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/organcmnist_224.npz?download=1',
      md5: '050f5e875dc056f6768abf94ec9995d1',
    },
  },
  description: {
    en: 'The OrganCMNIST is based on 3D computed tomography (CT) images from Liver Tumor Segmentation Benchmark (LiTS). It is renamed from OrganMNIST_Coronal (in MedMNIST v1) for simplicity. We use bounding-box annotations of 11 body organs from another study to obtain the organ labels. Hounsfield-Unit (HU) of the 3D images are transformed into gray-scale with an abdominal window. We crop 2D images from the center slices of the 3D bounding boxes in coronal views (planes). The images are resized into 1×28×28 to perform multi-class classification of 11 body organs. 115 and 16 CT scans from the source training set are used as training and validation set, respectively. The 70 CT scans from the source test set are treated as the test set.',
    ja: 'OrganCMNIST は、Liver Tumor Segmentation Benchmark（LiTS）の3次元CT画像に基づく。簡潔にするため、MedMNIST v1 の OrganMNIST_Coronal から名前を変えた。臓器のラベルは、別の研究による11臓器のバウンディングボックスの注釈から得ている。3次元画像のハウンスフィールド単位（HU）の値は腹部ウィンドウでグレースケールに変換した。3次元バウンディングボックスの中央のスライスから冠状断面（coronal）の2次元画像を切り出している。画像を 1×28×28 に縮小し、11臓器の多クラス分類を行う。元の学習セットのCT 115 件と 16 件をそれぞれ学習セットと検証セットとし、元のテストセットのCT 70 件をテストセットとする。',
  },
};
