import { type AugmentFn, describeAugmentations, makeAugmentFn, planAugmentation } from '../../augment/index.js';
import { getDatasetInfo } from '../../data/registry.js';
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
 * The augmentation for a data set, checked before any data is loaded (a refused transform costs nothing);
 * transforms let through by --allow-unsafe-augment are printed as warnings. A preset's geometry is scaled to
 * `size` (the images' side), and what `auto` chose and why is printed.
 */
export function readAugment(
  f: Flags<typeof augmentFlags>,
  dataset: string,
  lang: Lang,
  size?: number,
): { fn: AugmentFn; name: string } | undefined {
  const modality = getDatasetInfo(dataset).modality;
  const plan = planAugmentation(f.augment, modality, {
    allowUnsafe: f['allow-unsafe-augment'],
    imageSize: size,
  });
  for (const r of plan?.overridden ?? []) console.warn(t(lang, 'augmentWarning', { reason: r[lang] }));
  printAugmentEvidence(f.augment, plan, { modality, dataset, size, lang });
  if (!plan) return undefined;
  console.log(`augment: ${plan.name}`);
  return { fn: makeAugmentFn(plan), name: plan.name };
}
