import type { DatasetInfo } from '../dataset-info.js';
import { ORGAN_LABELS } from './organ-labels.js';

/** OrganSMNIST: facts as the medmnist package's INFO['organsmnist'] (MedMNIST v3 / MedMNIST+). */
export const organsmnist: DatasetInfo = {
  flag: 'organsmnist',
  pythonClass: 'OrganSMNIST',
  modality: 'ct',
  task: 'multi-class',
  channels: 1,
  samples: { train: 13932, val: 2452, test: 8827 },
  license: 'CC BY 4.0',
  labels: ORGAN_LABELS,
  files: {
    28: {
      fileName: 'organsmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/organsmnist.npz?download=1',
      md5: '9ab87b696fb54e2a387ebe992d6ed5f1',
    },
    64: {
      fileName: 'organsmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/organsmnist_64.npz?download=1',
      md5: '53a6d115339d874c25e309a994ff46d3',
    },
    128: {
      fileName: 'organsmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/organsmnist_128.npz?download=1',
      md5: 'ded0c5fa01a95dc4978b956f613e9b8e',
    },
    224: {
      fileName: 'organsmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/organsmnist_224.npz?download=1',
      md5: 'b354719e553fbbb2513d5533f52a4cb1',
    },
  },
  description: {
    en: 'The OrganSMNIST is based on 3D computed tomography (CT) images from Liver Tumor Segmentation Benchmark (LiTS). It is renamed from OrganMNIST_Sagittal (in MedMNIST v1) for simplicity. We use bounding-box annotations of 11 body organs from another study to obtain the organ labels. Hounsfield-Unit (HU) of the 3D images are transformed into gray-scale with an abdominal window. We crop 2D images from the center slices of the 3D bounding boxes in sagittal views (planes). The images are resized into 1×28×28 to perform multi-class classification of 11 body organs. 115 and 16 CT scans from the source training set are used as training and validation set, respectively. The 70 CT scans from the source test set are treated as the test set.',
    ja: 'OrganSMNIST は、Liver Tumor Segmentation Benchmark（LiTS）の3次元CT画像に基づく。簡潔にするため、MedMNIST v1 の OrganMNIST_Sagittal から名前を変えた。臓器のラベルは、別の研究による11臓器のバウンディングボックスの注釈から得ている。3次元画像のハウンスフィールド単位（HU）の値は腹部ウィンドウでグレースケールに変換した。3次元バウンディングボックスの中央のスライスから矢状断面（sagittal）の2次元画像を切り出している。画像を 1×28×28 に縮小し、11臓器の多クラス分類を行う。元の学習セットのCT 115 件と 16 件をそれぞれ学習セットと検証セットとし、元のテストセットのCT 70 件をテストセットとする。',
  },
};
