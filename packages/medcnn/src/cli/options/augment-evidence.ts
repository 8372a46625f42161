import { type AugmentPlan, autoChoice, explainAuto, maxEdgeShiftPixels } from '../../augment/index.js';
import type { Modality } from '../../data/dataset-info.js';
import { type Lang, t } from '../../i18n/messages.js';

/** The command that checks the whole preset of a modality on a data set, as a user would type it. */
export function augmentCheckCommand(dataFlag: string, augment: string): string {
  return `medcnn augment-check ${dataFlag} --augment ${augment} --seeds 0-2`;
}

/**
 * Says what `auto` applied and on what evidence (with the augment-check command where the preset is not measured
 * to help), and which preset magnitudes were shrunk for the image size.
 */
export function printAugmentEvidence(
  spec: string,
  plan: AugmentPlan | null,
  ctx: { modality: Modality; data: string; size?: number; lang: Lang },
): void {
  const { modality, lang } = ctx;
  const items = spec
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
  if (items.includes('auto')) {
    console.log(explainAuto(modality, lang));
    if (autoChoice(modality).conservative)
      console.log(t(lang, 'augmentSuggestCheck', { command: augmentCheckCommand(ctx.data, modality) }));
  }
  if (plan?.scaled.length && ctx.size !== undefined)
    console.log(
      t(lang, 'augmentScaled', {
        size: ctx.size,
        px: Number(maxEdgeShiftPixels(ctx.size).toFixed(1)),
        changes: plan.scaled.join(', '),
      }),
    );
}
