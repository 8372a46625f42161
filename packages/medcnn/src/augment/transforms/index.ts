import { MedcnnError } from '../../errors.js';
import type { TransformDef, TransformName } from '../types.js';
import { TRANSFORM_NAMES } from '../types.js';
import { blur } from './blur.js';
import { brightness } from './brightness.js';
import { contrast } from './contrast.js';
import { gamma } from './gamma.js';
import { hflip } from './hflip.js';
import { noise } from './noise.js';
import { rot90 } from './rot90.js';
import { rotate } from './rotate.js';
import { translate } from './translate.js';
import { vflip } from './vflip.js';
import { zoom } from './zoom.js';

const registry: Record<TransformName, TransformDef> = {
  rotate,
  translate,
  zoom,
  hflip,
  vflip,
  rot90,
  brightness,
  contrast,
  gamma,
  noise,
  blur,
};

/** Every transform, in the order `medcnn train --augment list` shows them. */
export function listTransforms(): TransformDef[] {
  return TRANSFORM_NAMES.map((n) => registry[n]);
}

/** Looks a transform up by name, or throws a MedcnnError listing the known ones. */
export function getTransform(name: string): TransformDef {
  const def = (registry as Record<string, TransformDef | undefined>)[name];
  if (!def)
    throw new MedcnnError(
      `Unknown augmentation '${name}'. Known transforms: ${TRANSFORM_NAMES.join(', ')}; presets: see '--augment list'.`,
      `データ拡張 '${name}' はありません。使える変換: ${TRANSFORM_NAMES.join(', ')}。プリセットは '--augment list' で確認できます。`,
    );
  return def;
}
