import { t, type Lang, type MessageKey } from '../i18n/messages.js';
import type { ClinicalMetrics, ClinicalRatio, NotAvailableReason } from './clinical.js';

const REASON_KEYS: Record<NotAvailableReason, MessageKey> = {
  'no-positive-cases': 'naNoPositiveCases',
  'no-negative-cases': 'naNoNegativeCases',
  'no-positive-predictions': 'naNoPositivePredictions',
  'no-negative-predictions': 'naNoNegativePredictions',
  'no-positive-cases-or-predictions': 'naNoPositiveCasesOrPredictions',
  'one-class-only': 'naOneClassOnly',
};

/**
 * A metric for people: its value with `digits` decimals, or "n/a (no positive predictions)" in the chosen
 * language when it has none (null, or a NaN from an older metrics.json).
 */
export function formatMetric(
  value: number | null | undefined,
  lang: Lang,
  reason?: NotAvailableReason,
  digits = 4,
): string {
  if (typeof value === 'number' && Number.isFinite(value)) return value.toFixed(digits);
  const why = reason && REASON_KEYS[reason];
  return why ? t(lang, 'notAvailableBecause', { reason: t(lang, why) }) : t(lang, 'notAvailable');
}

/** One end (0: lower, 1: upper) of a 95% interval with 3 decimals, or "n/a" when there is no interval. */
export function formatBound(ci: readonly [number, number] | null | undefined, end: 0 | 1, lang: Lang): string {
  return formatMetric(ci?.[end], lang, undefined, 3);
}

/** A 95% confidence interval as "lo–hi", or "n/a (why)" when there is none. */
export function formatInterval(
  ci: readonly [number, number] | null | undefined,
  lang: Lang,
  reason?: NotAvailableReason,
  digits = 3,
): string {
  if (!ci?.every((v) => Number.isFinite(v))) return formatMetric(null, lang, reason);
  return `${ci[0].toFixed(digits)}–${ci[1].toFixed(digits)}`;
}

/** The clinical line (sensitivity · specificity · PPV · NPV · F1) in the chosen language, n/a and why where undefined. */
export function clinicalLine(
  c: Pick<ClinicalMetrics, 'sensitivity' | 'specificity' | 'ppv' | 'npv' | 'f1'> & {
    notAvailable?: ClinicalMetrics['notAvailable'];
  },
  lang: Lang,
): string {
  const why = c.notAvailable ?? {};
  const f = (k: Exclude<ClinicalRatio, 'auc'>): string => formatMetric(c[k], lang, why[k]);
  return t(lang, 'clinical', {
    sens: f('sensitivity'),
    spec: f('specificity'),
    ppv: f('ppv'),
    npv: f('npv'),
    f1: f('f1'),
  });
}
