import { type Lang, t } from '../i18n/messages.js';
import { clinicalLine, formatBound, formatMetric } from '../metrics/format.js';
import type { SplitMetrics } from '../runfolder/index.js';

/** The lines a clinician reads after training: test ACC and AUC with CIs, then the clinical metrics. */
export function formatTestResult(m: SplitMetrics, bestEpoch: number, lang: Lang): string[] {
  const c = m.clinical;
  if (!c)
    return [
      t(lang, 'testResultPlain', { epoch: bestEpoch, acc: formatMetric(m.acc, lang), auc: formatMetric(m.auc, lang) }),
      ...operatingPointLines(m, lang),
    ];
  return [
    t(lang, 'testResult', {
      epoch: bestEpoch,
      acc: formatMetric(m.acc, lang),
      auc: formatMetric(m.auc, lang, c.notAvailable.auc),
      accLo: formatBound(c.ci95.accuracy, 0, lang),
      accHi: formatBound(c.ci95.accuracy, 1, lang),
      aucLo: formatBound(c.ci95.auc, 0, lang),
      aucHi: formatBound(c.ci95.auc, 1, lang),
    }),
    m.positiveClass
      ? `${clinicalLine(c, lang)}${t(lang, 'positiveIs', { name: m.positiveClass.name[lang] })}`
      : clinicalLine(c, lang),
    ...operatingPointLines(m, lang),
  ];
}

/** The metrics at the threshold chosen on validation, and the calibration before and after temperature scaling. */
export function operatingPointLines(m: SplitMetrics, lang: Lang): string[] {
  const lines: string[] = [];
  const op = m.operatingPoint;
  if (op) {
    const ci = (v: [number, number] | null): string =>
      v
        ? `${formatMetric(v[0], lang, undefined, 3)}–${formatMetric(v[1], lang, undefined, 3)}`
        : formatMetric(null, lang);
    lines.push(
      t(lang, 'operatingPoint', {
        rule: op.rule,
        threshold: op.threshold.toFixed(3),
        acc: formatMetric(op.accuracy, lang),
        accCi: ci(op.ci95.accuracy),
        sens: formatMetric(op.sensitivity, lang, op.notAvailable.sensitivity),
        sensCi: ci(op.ci95.sensitivity),
        spec: formatMetric(op.specificity, lang, op.notAvailable.specificity),
        specCi: ci(op.ci95.specificity),
        ppv: formatMetric(op.ppv, lang, op.notAvailable.ppv),
        npv: formatMetric(op.npv, lang, op.notAvailable.npv),
      }),
    );
  }
  const perLabel = m.labelOperatingPoints;
  if (perLabel?.length) {
    const labels = perLabel
      .map(
        (l) =>
          `${l.label} (${l.threshold.toFixed(3)}): ${formatMetric(l.sensitivity, lang, l.notAvailable.sensitivity, 3)} / ${formatMetric(l.specificity, lang, l.notAvailable.specificity, 3)}`,
      )
      .join(' · ');
    lines.push(t(lang, 'labelOperatingPoints', { rule: perLabel[0].rule, labels }));
  }
  const cal = m.calibration;
  if (cal) {
    const f = (v: number): string => v.toFixed(4);
    lines.push(
      cal.after
        ? t(lang, 'calibrationAfter', {
            eceBefore: f(cal.before.ece),
            ece: f(cal.after.ece),
            brierBefore: f(cal.before.brier),
            brier: f(cal.after.brier),
            temperature: cal.temperature!.toFixed(3),
          })
        : t(lang, 'calibrationBefore', { ece: f(cal.before.ece), brier: f(cal.before.brier), nll: f(cal.before.nll) }),
    );
  }
  return lines;
}
