import { type Lang, t } from '../i18n/messages.js';
import { clinicalLine, formatMetric } from '../metrics/format.js';
import type { SplitMetrics } from '../runfolder/index.js';

/** The lines a clinician reads after training: test ACC and AUC with CIs, then the clinical metrics. */
export function formatTestResult(m: SplitMetrics, bestEpoch: number, lang: Lang): string[] {
  const c = m.clinical;
  if (!c)
    return [
      t(lang, 'testResultPlain', { epoch: bestEpoch, acc: formatMetric(m.acc, lang), auc: formatMetric(m.auc, lang) }),
    ];
  const bound = (ci: [number, number] | null, k: 0 | 1): string => formatMetric(ci?.[k], lang, undefined, 3);
  return [
    t(lang, 'testResult', {
      epoch: bestEpoch,
      acc: formatMetric(m.acc, lang),
      auc: formatMetric(m.auc, lang, c.notAvailable.auc),
      accLo: bound(c.ci95.accuracy, 0),
      accHi: bound(c.ci95.accuracy, 1),
      aucLo: bound(c.ci95.auc, 0),
      aucHi: bound(c.ci95.auc, 1),
    }),
    m.positiveClass
      ? `${clinicalLine(c, lang)}${t(lang, 'positiveIs', { name: m.positiveClass.name[lang] })}`
      : clinicalLine(c, lang),
  ];
}
