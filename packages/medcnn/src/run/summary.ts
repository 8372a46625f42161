import { type Lang, t } from '../i18n/messages.js';
import type { SplitMetrics } from '../runfolder/index.js';

// A ratio whose denominator is zero (PPV when nothing was called positive) has no value: say so, never "NaN".
const fixed = (v: number | null | undefined, digits = 4): string =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';

/** The lines a clinician reads after training or evaluating: ACC and AUC with CIs, then the clinical metrics. */
export function formatTestResult(m: SplitMetrics, bestEpoch: number, lang: Lang): string[] {
  const ci = m.clinical?.ci95;
  const lines = [
    ci
      ? t(lang, 'testResult', {
          epoch: bestEpoch,
          acc: fixed(m.acc),
          auc: fixed(m.auc),
          accLo: fixed(ci.accuracy[0], 3),
          accHi: fixed(ci.accuracy[1], 3),
          aucLo: fixed(ci.auc[0], 3),
          aucHi: fixed(ci.auc[1], 3),
        })
      : t(lang, 'testResultPlain', { epoch: bestEpoch, acc: fixed(m.acc), auc: fixed(m.auc) }),
  ];
  const c = m.clinical;
  if (c) lines.push(clinicalLine(m, lang));
  return lines;
}

/** Sensitivity, specificity, PPV, NPV and F1 on one line. */
export function clinicalLine(m: SplitMetrics, lang: Lang): string {
  const c = m.clinical!;
  return t(lang, 'clinical', {
    sens: fixed(c.sensitivity),
    spec: fixed(c.specificity),
    ppv: fixed(c.ppv),
    npv: fixed(c.npv),
    f1: fixed(c.f1),
  });
}
