/** The 11 body organs that OrganAMNIST, OrganCMNIST and OrganSMNIST share (the same CT volumes, three planes). */
export const ORGAN_LABELS = [
  { en: 'bladder', ja: '膀胱' },
  { en: 'femur-left', ja: '左大腿骨' },
  { en: 'femur-right', ja: '右大腿骨' },
  { en: 'heart', ja: '心臓' },
  { en: 'kidney-left', ja: '左腎' },
  { en: 'kidney-right', ja: '右腎' },
  { en: 'liver', ja: '肝臓' },
  { en: 'lung-left', ja: '左肺' },
  { en: 'lung-right', ja: '右肺' },
  { en: 'pancreas', ja: '膵臓' },
  { en: 'spleen', ja: '脾臓' },
];
