import { type AugmentFn, describeAugmentations, makeAugmentFn, planAugmentation } from '../../augment/index.js';
import type { Modality } from '../../data/dataset-info.js';
import { MedcnnError } from '../../errors.js';
import { type Lang, t } from '../../i18n/messages.js';
import type { Flags } from '../args.js';
import { printAugmentEvidence } from './augment-evidence.js';

/** Augmentation, checked against the data set's modality. */
export const augmentFlags = {
  augment: {
    kind: 'string',
    help: "none, auto (the dataset's modality preset), a preset, or a list such as rotate:10,translate:0.1; list: show them",
    default: 'none',
  },
  'allow-unsafe-augment': {
    kind: 'boolean',
    help: 'allow transforms that change the medical meaning (e.g. mirroring a chest X-ray)',
  },
} as const;

/** True when the user asked for the list of presets and transforms (printed here) instead of a run. */
export function printAugmentList(f: Flags<typeof augmentFlags>, lang: Lang): boolean {
  if (f.augment.trim().toLowerCase() !== 'list') return false;
  console.log(describeAugmentations(lang));
  return true;
}

/**
 * The augmentation for a data set's modality (MedMNIST's, or --modality for your own images), checked before any
 * data is loaded (a refused transform costs nothing); transforms let through by --allow-unsafe-augment are printed
 * as warnings.
 */
export function readAugment(
  f: Flags<typeof augmentFlags>,
  data: { modality?: Modality; size?: number; dataset: string; data?: { source: string } },
  lang: Lang,
): { fn: AugmentFn; name: string } | undefined {
  const { modality, size } = data;
  if (!modality) {
    if (f.augment.trim().toLowerCase() === 'none') return undefined;
    throw new MedcnnError(
      `--augment needs to know what the images are, to refuse transforms that change a diagnosis: add --modality (chest-xray, ct, ultrasound, retinal-oct, fundus, dermoscopy, histopathology, blood-smear).`,
      `--augment には、診断を変えてしまう変換を避けるために画像の種類が必要です。--modality を加えてください（chest-xray, ct, ultrasound, retinal-oct, fundus, dermoscopy, histopathology, blood-smear）。`,
    );
  }
  const plan = planAugmentation(f.augment, modality, {
    allowUnsafe: f['allow-unsafe-augment'],
    imageSize: size,
  });
  for (const r of plan?.overridden ?? []) console.warn(t(lang, 'augmentWarning', { reason: r[lang] }));
  // How the suggested augment-check names the data: the same flag the user gave.
  const dataFlag = data.data ? `--data ${data.data.source}` : `--dataset ${data.dataset}`;
  printAugmentEvidence(f.augment, plan, { modality, data: dataFlag, size, lang });
  if (!plan) return undefined;
  console.log(`augment: ${plan.name}`);
  return { fn: makeAugmentFn(plan), name: plan.name };
}
