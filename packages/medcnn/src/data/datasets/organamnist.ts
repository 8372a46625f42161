import type { DatasetInfo } from '../dataset-info.js';
import { ORGAN_LABELS } from './organ-labels.js';

/** OrganAMNIST: facts as the medmnist package's INFO['organamnist'] (MedMNIST v3 / MedMNIST+). */
export const organamnist: DatasetInfo = {
  flag: 'organamnist',
  pythonClass: 'OrganAMNIST',
  modality: 'ct',
  task: 'multi-class',
  channels: 1,
  samples: { train: 34561, val: 6491, test: 17778 },
  license: 'CC BY 4.0',
  labels: ORGAN_LABELS,
  files: {
    28: {
      fileName: 'organamnist.npz',
      url: 'https://zenodo.org/records/10519652/files/organamnist.npz?download=1',
      md5: '68e3f8846a6bd62f0c9bf841c0d9eacc',
    },
    64: {
      fileName: 'organamnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/organamnist_64.npz?download=1',
      md5: '2dcccc29b88e6da5a01161ef20cda288',
    },
    128: {
      fileName: 'organamnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/organamnist_128.npz?download=1',
      md5: 'eeae80d0a227a8d099027e1b3cfd3b60',
    },
    224: {
      fileName: 'organamnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/organamnist_224.npz?download=1',
      md5: '50747347e05c87dd3aaf92c49f9f3170',
    },
  },
  description: {
    en: 'The OrganAMNIST is based on 3D computed tomography (CT) images from Liver Tumor Segmentation Benchmark (LiTS). It is renamed from OrganMNIST_Axial (in MedMNIST v1) for simplicity. We use bounding-box annotations of 11 body organs from another study to obtain the organ labels. Hounsfield-Unit (HU) of the 3D images are transformed into gray-scale with an abdominal window. We crop 2D images from the center slices of the 3D bounding boxes in axial views (planes). The images are resized into 1×28×28 to perform multi-class classification of 11 body organs. 115 and 16 CT scans from the source training set are used as training and validation set, respectively. The 70 CT scans from the source test set are treated as the test set.',
    ja: 'OrganAMNIST は、Liver Tumor Segmentation Benchmark（LiTS）の3次元CT画像に基づく。簡潔にするため、MedMNIST v1 の OrganMNIST_Axial から名前を変えた。臓器のラベルは、別の研究による11臓器のバウンディングボックスの注釈から得ている。3次元画像のハウンスフィールド単位（HU）の値は腹部ウィンドウでグレースケールに変換した。3次元バウンディングボックスの中央のスライスから横断面（axial）の2次元画像を切り出している。画像を 1×28×28 に縮小し、11臓器の多クラス分類を行う。元の学習セットのCT 115 件と 16 件をそれぞれ学習セットと検証セットとし、元のテストセットのCT 70 件をテストセットとする。',
  },
};
