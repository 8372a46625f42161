import type { DatasetInfo } from '../dataset-info.js';

/** ChestMNIST: facts as the medmnist package's INFO['chestmnist'] (MedMNIST v3 / MedMNIST+). */
export const chestmnist: DatasetInfo = {
  flag: 'chestmnist',
  pythonClass: 'ChestMNIST',
  modality: 'chest-xray',
  task: 'multi-label, binary-class',
  channels: 1,
  samples: { train: 78468, val: 11219, test: 22433 },
  license: 'CC BY 4.0',
  labels: [
    { en: 'atelectasis', ja: '無気肺' },
    { en: 'cardiomegaly', ja: '心拡大' },
    { en: 'effusion', ja: '胸水' },
    { en: 'infiltration', ja: '浸潤影' },
    { en: 'mass', ja: '腫瘤' },
    { en: 'nodule', ja: '結節' },
    { en: 'pneumonia', ja: '肺炎' },
    { en: 'pneumothorax', ja: '気胸' },
    { en: 'consolidation', ja: '浸潤（コンソリデーション）' },
    { en: 'edema', ja: '肺水腫' },
    { en: 'emphysema', ja: '肺気腫' },
    { en: 'fibrosis', ja: '線維化' },
    { en: 'pleural', ja: '胸膜肥厚' },
    { en: 'hernia', ja: 'ヘルニア' },
  ],
  files: {
    28: {
      fileName: 'chestmnist.npz',
      url: 'https://zenodo.org/records/10519652/files/chestmnist.npz?download=1',
      md5: '02c8a6516a18b556561a56cbdd36c4a8',
    },
    64: {
      fileName: 'chestmnist_64.npz',
      url: 'https://zenodo.org/records/10519652/files/chestmnist_64.npz?download=1',
      md5: '9de6cd0b934ebb5b7426cfba5efbae16',
    },
    128: {
      fileName: 'chestmnist_128.npz',
      url: 'https://zenodo.org/records/10519652/files/chestmnist_128.npz?download=1',
      md5: 'db107e5590b27930b62dbaf558aebee3',
    },
    224: {
      fileName: 'chestmnist_224.npz',
      url: 'https://zenodo.org/records/10519652/files/chestmnist_224.npz?download=1',
      md5: '45bd33e6f06c3e8cdb481c74a89152aa',
    },
  },
  description: {
    en: 'The ChestMNIST is based on the NIH-ChestXray14 dataset, a dataset comprising 112,120 frontal-view X-Ray images of 30,805 unique patients with the text-mined 14 disease labels, which could be formulized as a multi-label binary-class classification task. We use the official data split, and resize the source images of 1×1024×1024 into 1×28×28.',
    ja: 'ChestMNIST は NIH-ChestXray14 データセットに基づく。これは 30,805 人の患者の正面胸部X線画像 112,120 枚に、読影レポートからテキストマイニングで抽出した14疾患のラベルを付けたもので、多ラベルの2クラス分類タスクとして定式化できる。公式のデータ分割を用い、1×1024×1024 の元画像を 1×28×28 に縮小している。',
  },
};
