import { t, type Lang } from '../i18n/messages.js';

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : 'n/a');

/** What a run's report shows: its settings, metrics per split, history table (header first) and figures. */
export interface ReportInput {
  config: Record<string, unknown>;
  metrics: Record<string, Record<string, unknown>>;
  history: string[][];
  /** File names of the figures, relative to the report. */
  images: string[];
}

/** The HTML of a run's report.html. */
export function reportHtml({ config, metrics, history, images }: ReportInput, lang: Lang): string {
  const L =
    lang === 'ja'
      ? {
          metrics: '評価指標',
          split: 'データ',
          settings: '設定',
          history: '学習履歴',
          sens: '感度',
          spec: '特異度',
          ppv: '陽性的中率',
          npv: '陰性的中率',
          ci: '95%信頼区間',
          plots: '図',
          positive: '陽性クラス（感度・陽性的中率の対象）',
          calibration: '較正',
          before: '補正前',
          after: '温度スケーリング後',
        }
      : {
          metrics: 'Metrics',
          split: 'split',
          settings: 'Settings',
          history: 'History',
          sens: 'sensitivity',
          spec: 'specificity',
          ppv: 'PPV',
          npv: 'NPV',
          ci: '95% CI',
          plots: 'Plots',
          positive: 'positive class (what sensitivity and PPV are about)',
          calibration: 'Calibration',
          before: 'as the model gives it',
          after: 'after temperature scaling',
        };
  const interval = (v: unknown): string => (Array.isArray(v) ? ` <small>[${num(v[0])}–${num(v[1])}]</small>` : '');
  const rows = Object.values(metrics).flatMap((m) => {
    const c = m.clinical as Record<string, unknown> | undefined;
    const ci = c?.ci95 as { accuracy: number[]; auc: number[] | null } | undefined;
    const at05 =
      `<tr><td>${esc(m.split)}${c ? ' @ 0.5' : ''}</td><td>${num(m.acc)}${interval(ci?.accuracy)}</td>` +
      `<td>${num(m.auc)}${interval(ci?.auc)}</td>` +
      `<td>${c ? num(c.sensitivity) : '–'}</td><td>${c ? num(c.specificity) : '–'}</td><td>${c ? num(c.ppv) : '–'}</td><td>${c ? num(c.npv) : '–'}</td><td>${c ? num(c.f1) : '–'}</td></tr>`;
    // The operating point chosen on validation: its metrics on this split, each with its bootstrap interval.
    const op = m.operatingPoint as (Record<string, unknown> & { ci95: Record<string, unknown> }) | undefined;
    if (!op) return [at05];
    const cell = (k: string): string => `<td>${num(op[k])}${interval(op.ci95[k])}</td>`;
    return [
      at05,
      `<tr><td>${esc(m.split)} @ ${esc(op.rule)} (${num(op.threshold)})</td>${cell('accuracy')}<td>${num(m.auc)}</td>` +
        `${cell('sensitivity')}${cell('specificity')}${cell('ppv')}${cell('npv')}${cell('f1')}</tr>`,
    ];
  });
  // Multi-label: each label at its own threshold chosen on validation.
  const labelRows = Object.values(metrics).flatMap((m) =>
    ((m.labelOperatingPoints as (Record<string, unknown> & { ci95: Record<string, unknown> })[] | undefined) ?? []).map(
      (l) =>
        `<tr><td>${esc(m.split)} · ${esc(l.label)} @ ${esc(l.rule)} (${num(l.threshold)})</td>` +
        ['accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1']
          .map((k) => `<td>${num(l[k])}${interval(l.ci95[k])}</td>`)
          .join('') +
        '</tr>',
    ),
  );
  // Calibration per split: as the model gives its probabilities, and after temperature scaling.
  const calibration = Object.values(metrics).flatMap((m) => {
    const cal = m.calibration as
      | { before: Record<string, number>; after?: Record<string, number>; temperature?: number }
      | undefined;
    if (!cal) return [];
    const line = (label: string, c: Record<string, number>): string =>
      `<tr><td>${esc(m.split)} ${label}</td><td>${num(c.ece)}</td><td>${num(c.brier)}</td><td>${num(c.nll)}</td></tr>`;
    return [
      line(L.before, cal.before),
      ...(cal.after ? [line(`${L.after} (T = ${num(cal.temperature)})`, cal.after)] : []),
    ];
  });
  const named = Object.values(metrics).find((m) => m.positiveClass) as
    | { positiveClass: { name: { en: string; ja: string } } }
    | undefined;
  const positive = named?.positiveClass.name[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(t(lang, 'reportTitle'))}: ${esc(config.dataset)} · ${esc(config.model)}</title>
<style>body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee;margin:6px}.plots{display:flex;flex-wrap:wrap}</style></head>
<body><h1>${esc(t(lang, 'reportTitle'))}: ${esc(config.dataset)} · ${esc(config.model)}</h1>
<h2>${L.metrics}</h2>${positive ? `<p>${L.positive}: ${esc(positive)}</p>` : ''}
<table><tr><th>${L.split}</th><th>ACC <small>(${L.ci})</small></th><th>AUC <small>(${L.ci})</small></th><th>${L.sens}</th><th>${L.spec}</th><th>${L.ppv}</th><th>${L.npv}</th><th>F1</th></tr>
${rows.join('\n')}</table>
${labelRows.length ? `<table><tr><th>${L.split}</th><th>ACC</th><th>${L.sens}</th><th>${L.spec}</th><th>${L.ppv}</th><th>${L.npv}</th><th>F1</th></tr>${labelRows.join('\n')}</table>` : ''}
${calibration.length ? `<h2>${L.calibration}</h2><table><tr><th>${L.split}</th><th>ECE</th><th>Brier</th><th>NLL</th></tr>${calibration.join('\n')}</table>` : ''}
<h2>${L.plots}</h2><div class="plots">${images.map((f) => `<img src="${f}" alt="${f}">`).join('')}</div>
<h2>${L.history}</h2><table>${history.map((r, i) => `<tr>${r.map((c) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('\n')}</table>
<h2>${L.settings}</h2><table>${Object.entries(config)
    .filter(([k]) => k !== 'labels')
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`)
    .join('\n')}</table>
</body></html>
`;
}
