import type { Modality } from '../data/dataset-info.js';
import { MINUS_ONE_TO_ONE, type Normalization } from '../data/batch.js';
import { MedcnnError } from '../errors.js';
import { type Lang, type Localized, t } from '../i18n/messages.js';
import type { AugmentFn } from './types.js';
import { composeTransforms, type FillMode } from './compose.js';
import { findPreset, listPresets, presetFor, type ModalityPreset } from './presets/index.js';
import { SMALLEST_SIZE, scaleForSize } from './size.js';
import { getTransform, listTransforms } from './transforms/index.js';
import type { Transform, TransformName } from './types.js';

/** An augmentation checked against the data's modality, ready to build. */
export interface AugmentPlan {
  /** What the user asked for (`auto`, a preset, or a list). */
  spec: string;
  modality: Modality;
  /** The transforms as a canonical list: `rotate:10,translate:0.06`. */
  list: string;
  /** How run configs and logs name it: `auto → chest-xray: rotate:10,…`. */
  name: string;
  transforms: Transform[];
  fill: FillMode;
  /** Refusals that --allow-unsafe-augment let through, with their reasons, in each language. */
  overridden: Localized[];
  /** A preset's magnitudes shrunk for the input size (size.ts), as `translate 0.06 → 0.035`. */
  scaled: string[];
}

export interface PlanOptions {
  /** Let transforms through that change the medical meaning (each is still reported in `overridden`). */
  allowUnsafe?: boolean;
  /** The images' side in pixels: a preset's geometric magnitudes are scaled to it (size.ts). Unscaled when absent. */
  imageSize?: number;
}

/**
 * Transforms that only permute pixels: no resampling, no intensity change, nothing leaves the frame, so they
 * lose nothing at any size. Where a modality's rules call the result a real image, they keep the label.
 */
const LOSSLESS: readonly TransformName[] = ['hflip', 'vflip', 'rot90'];

/** Whether a modality's images have no up or down: its rules allow rotation by any angle. */
function hasNoOrientation(preset: ModalityPreset): boolean {
  const rule = preset.rules.rotate;
  return rule.allowed && (rule.max === undefined || rule.max >= 180);
}

/** A preset's list with every value written out (`hflip` → `hflip:0.5`). */
function canonicalList(list: string): string {
  return list
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const { name, value } = parseItem(item.trim());
      return `${name}:${value ?? getTransform(name).defaultValue}`;
    })
    .join(',');
}

/** What `--augment auto` applies for a modality: the whole preset, or only its lossless part, and why. */
export interface AutoChoice {
  preset: ModalityPreset;
  /** True when the preset was not measured to help, so only its lossless transforms are applied. */
  conservative: boolean;
  /** The transforms applied, as a list string (empty: none). */
  transforms: string;
}

/**
 * `auto` trusts a preset only where it was measured to help; elsewhere (unmeasured, or measured not to help) it
 * applies the preset's lossless transforms alone (`LOSSLESS`), which may be nothing. The full preset stays
 * available by name.
 */
export function autoChoice(modality: Modality): AutoChoice {
  const preset = presetFor(modality);
  if (preset.evidence.verdict === 'helps')
    return { preset, conservative: false, transforms: canonicalList(preset.transforms) };
  const kept = preset.transforms
    .split(',')
    .filter((item) => (LOSSLESS as readonly string[]).includes(item.split(':')[0].trim()));
  return { preset, conservative: true, transforms: canonicalList(kept.join(',')) };
}

/** What `auto` does for a modality and why, in one paragraph of the user's language. */
export function explainAuto(modality: Modality, lang: Lang): string {
  const { preset, conservative, transforms } = autoChoice(modality);
  const ev = preset.evidence;
  const evidence =
    ev.verdict === 'unmeasured'
      ? t(lang, 'augmentEvidenceUnmeasured')
      : t(lang, 'augmentEvidenceMeasured', { verdict: verdictText(ev.verdict, lang), source: ev.source[lang] });
  if (!conservative) return t(lang, 'augmentAutoFull', { modality, evidence });
  return t(lang, transforms ? 'augmentAutoConservative' : 'augmentAutoNothing', {
    modality,
    evidence,
    transforms,
  });
}

/** A verdict in the user's language. */
export function verdictText(verdict: ModalityPreset['evidence']['verdict'], lang: Lang): string {
  const key = {
    helps: 'verdictHelps',
    hurts: 'verdictHurts',
    'no clear difference': 'verdictNoDifference',
    unmeasured: 'verdictUnmeasured',
  } as const;
  return t(lang, key[verdict]);
}

function parseItem(item: string): { name: string; value?: number } {
  const [name, raw, extra] = item.split(':');
  if (extra !== undefined || name === '')
    throw new MedcnnError(
      `Augmentation '${item}' is not NAME or NAME:VALUE (e.g. rotate:10).`,
      `データ拡張 '${item}' は NAME または NAME:VALUE の形（例: rotate:10）になっていません。`,
    );
  if (raw === undefined) return { name };
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new MedcnnError(
      `Augmentation '${item}': '${raw}' is not a number.`,
      `データ拡張 '${item}': '${raw}' は数値ではありません。`,
    );
  return { name, value };
}

/** Why `name:value` is not safe for this modality, in each language, or null when it is. */
function refusal(
  preset: ModalityPreset,
  name: string,
  value: number,
  rule: ModalityPreset['rules'][keyof ModalityPreset['rules']],
): Localized | null {
  if (!rule.allowed)
    return {
      en: `${name} is refused for ${preset.title.en}: ${rule.why.en}.`,
      ja: `${name} は${preset.title.ja}には使えません：${rule.why.ja}。`,
    };
  if (rule.max !== undefined && value > rule.max)
    return {
      en: `${name}:${value} is more than the ${rule.max} allowed for ${preset.title.en}: ${rule.why.en}.`,
      ja: `${name}:${value} は${preset.title.ja}で許される上限 ${rule.max} を超えています：${rule.why.ja}。`,
    };
  return null;
}

/**
 * Turns `--augment` (none, auto, a preset name, or a list such as `rotate:10,hflip`, presets allowed inside it)
 * into transforms for data of the given modality. A transform that would change the medical meaning is refused
 * with the reason unless `allowUnsafe`. Returns null for `none`.
 */
export function planAugmentation(spec: string, modality: Modality, opts: PlanOptions = {}): AugmentPlan | null {
  const text = spec.trim().toLowerCase();
  if (text === '' || text === 'none') return null;
  if (text === 'list')
    throw new MedcnnError(
      `'--augment list' prints the presets and transforms; it cannot be used to train.`,
      `'--augment list' はプリセットと変換の一覧を表示するだけで、学習には使えません。`,
    );
  const own = presetFor(modality);
  const items: { name: string; value?: number; fromPreset: boolean }[] = [];
  const labels: string[] = [];
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const auto = raw === 'auto' ? autoChoice(modality) : null;
    const preset = auto ? auto.preset : findPreset(raw);
    if (preset) {
      const list = auto ? auto.transforms : preset.transforms;
      items.push(
        ...list
          .split(',')
          .filter(Boolean)
          .map((item) => ({ ...parseItem(item), fromPreset: true })),
      );
      labels.push(auto ? `auto → ${preset.modality}${auto.conservative ? ' (conservative)' : ''}` : preset.modality);
    } else {
      items.push({ ...parseItem(raw), fromPreset: false });
      labels.push(raw);
    }
  }
  const transforms: Transform[] = [];
  const refusals: Localized[] = [];
  const scaled: string[] = [];
  for (const { name, value, fromPreset } of items) {
    const def = getTransform(name);
    let v = value ?? def.defaultValue;
    if (fromPreset && opts.imageSize !== undefined) {
      const small = scaleForSize(def.name, v, opts.imageSize, { orientationFree: hasNoOrientation(own) });
      if (small !== v) scaled.push(`${name} ${v} → ${small}`);
      v = small;
    }
    if (!(v > 0 && v <= def.limit))
      throw new MedcnnError(
        `Augmentation ${name}:${v}: the ${def.param.en} must be above 0 and at most ${def.limit}.`,
        `データ拡張 ${name}:${v}: ${def.param.ja}は 0 より大きく ${def.limit} 以下にしてください。`,
      );
    const why = refusal(own, name, v, own.rules[def.name]);
    if (why) refusals.push(why);
    transforms.push(def.create(v));
  }
  if (refusals.length && !opts.allowUnsafe) {
    throw new MedcnnError(
      `Augmentation refused for ${modality} images, because it would change what the image means:\n  ${refusals.map((r) => r.en).join('\n  ')}\n` +
        `Remove it (try --augment auto for the ${modality} preset), or pass --allow-unsafe-augment if you are sure.`,
      `${own.title.ja}（${modality}）の画像には、画像の意味を変えてしまうため、このデータ拡張は使えません：\n  ${refusals.map((r) => r.ja).join('\n  ')}\n` +
        `取り除いてください（${modality} のプリセットを使うなら --augment auto）。確信がある場合に限り --allow-unsafe-augment を指定してください。`,
    );
  }
  // auto with nothing known to help on this modality applies nothing: explainAuto says so.
  if (transforms.length === 0) return null;
  const list = transforms.map((t) => `${t.name}:${t.value}`).join(',');
  const asked = labels.join(',');
  const size = scaled.length ? ` (geometry for ${opts.imageSize} px)` : '';
  const name = `${asked}${asked === list ? '' : `: ${list}`}${size}${refusals.length ? ' (unsafe allowed)' : ''}`;
  return { spec, modality, list, name, transforms, fill: own.fill, overridden: refusals, scaled };
}

/** Builds the trainer's augmentation function from a plan, for inputs normalised as `norm` says. */
export function makeAugmentFn(plan: AugmentPlan, norm: Normalization = MINUS_ONE_TO_ONE): AugmentFn {
  return composeTransforms(plan.transforms, {
    fill: plan.fill,
    black: (0 - norm.mean) / norm.std,
    white: (1 - norm.mean) / norm.std,
  });
}

/** The text of `--augment list`: every transform with its parameter, and every preset with its reasons. */
export function describeAugmentations(lang: Lang = 'en'): string {
  const lines = [t(lang, 'augmentListTransforms')];
  for (const d of listTransforms()) {
    const limit = t(lang, 'augmentListLimit', { param: d.param[lang], limit: d.limit });
    lines.push(`  ${`${d.name}:${d.defaultValue}`.padEnd(16)} ${d.summary[lang]}${limit}`);
  }
  lines.push('', t(lang, 'augmentListPresets'));
  for (const p of listPresets()) {
    lines.push(`  ${p.modality.padEnd(16)} ${p.transforms}`, `  ${''.padEnd(16)} ${p.why[lang]}`);
    const refused = Object.entries(p.rules)
      .filter(([, r]) => !r.allowed)
      .map(([n]) => n);
    const names = refused.length ? refused.join(', ') : t(lang, 'augmentListNone');
    const pad = ''.padEnd(16);
    const ev = p.evidence;
    const evidence =
      ev.verdict === 'unmeasured'
        ? t(lang, 'augmentEvidenceUnmeasured')
        : t(lang, 'augmentEvidenceMeasured', { verdict: verdictText(ev.verdict, lang), source: ev.source[lang] });
    const auto = autoChoice(p.modality);
    const autoLine = !auto.conservative
      ? t(lang, 'augmentListAutoFull')
      : auto.transforms
        ? t(lang, 'augmentListAutoConservative', { transforms: auto.transforms })
        : t(lang, 'augmentListAutoNothing');
    const small = planAugmentation(p.modality, p.modality, { imageSize: SMALLEST_SIZE });
    lines.push(
      `  ${pad} ${t(lang, 'augmentListRefused', { names })}`,
      `  ${pad} ${t(lang, 'augmentListEvidence', { evidence })}`,
      `  ${pad} ${autoLine}`,
      `  ${pad} ${t(lang, 'augmentListAtSmallest', { size: SMALLEST_SIZE, list: small?.list ?? '' })}`,
      '',
    );
  }
  lines.push(t(lang, 'augmentListSizeRule'));
  return lines.join('\n');
}
