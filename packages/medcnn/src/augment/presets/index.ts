import type { Modality } from '../../data/dataset-info.js';
import { MedcnnError } from '../../errors.js';
import { bloodSmear } from './blood-smear.js';
import { chestXray } from './chest-xray.js';
import { ct } from './ct.js';
import { dermoscopy } from './dermoscopy.js';
import { fundus } from './fundus.js';
import { histopathology } from './histopathology.js';
import type { ModalityPreset } from './preset.js';
import { retinalOct } from './retinal-oct.js';
import { ultrasound } from './ultrasound.js';

export type { ModalityPreset, PresetEvidence, Rule } from './preset.js';

// Keyed by modality so the compiler insists every modality has a preset.
const presets: Record<Modality, ModalityPreset> = {
  'chest-xray': chestXray,
  ct,
  ultrasound,
  'retinal-oct': retinalOct,
  fundus,
  dermoscopy,
  histopathology,
  'blood-smear': bloodSmear,
};

/** Every modality preset. */
export function listPresets(): ModalityPreset[] {
  return Object.values(presets);
}

/** The preset of a modality. */
export function presetFor(modality: Modality): ModalityPreset {
  return presets[modality];
}

/** A preset by name, or undefined when the name is not a modality. */
export function findPreset(name: string): ModalityPreset | undefined {
  return (presets as Record<string, ModalityPreset | undefined>)[name];
}

/** A preset by name, or a MedcnnError listing the presets. */
export function getPreset(name: string): ModalityPreset {
  const p = findPreset(name);
  if (!p)
    throw new MedcnnError(
      `Unknown augmentation preset '${name}'. Presets: ${Object.keys(presets).join(', ')}.`,
      `データ拡張のプリセット '${name}' はありません。プリセット: ${Object.keys(presets).join(', ')}。`,
    );
  return p;
}
