import { drawLearningCurve } from './curve';
import { t } from './i18n';
import type { RunInfo } from './run';

/** The run's facts, its test metrics with confidence intervals, and its learning curve. */
export function renderRunPanel(info: RunInfo, backend: string): void {
  const facts: [string, string][] = [
    [t('factRun'), info.run],
    [
      t('factModel'),
      info.backbone && !info.model.includes(info.backbone) ? `${info.model} (${info.backbone})` : info.model,
    ],
    [t('factDataset'), `${info.dataset} ${info.size}×${info.size}`],
    [t('factInput'), info.inputShape.join(' × ')],
    [t('factEngine'), backend],
  ];
  document.querySelector('#run-facts')!.replaceChildren(
    ...facts.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      return [dt, dd];
    }),
  );

  const table = document.querySelector<HTMLTableElement>('#metrics')!;
  table.replaceChildren();
  const test = info.metrics?.test;
  if (!test) {
    table.createCaption().textContent = t('metricsNone');
  } else {
    const head = table.createTHead().insertRow();
    for (const h of [t('metric'), t('value'), t('ci')]) head.appendChild(document.createElement('th')).textContent = h;
    const c = test.clinical;
    const rows: [string, number, [number, number] | null][] = [
      [t('accuracy'), test.acc, c?.ci95.accuracy ?? null],
      [t('auc'), test.auc, c?.ci95.auc ?? null],
      ...(c
        ? ([
            [t('sensitivity'), c.sensitivity, null],
            [t('specificity'), c.specificity, null],
          ] as [string, number, null][])
        : []),
    ];
    const body = table.createTBody();
    for (const [name, value, ci] of rows) {
      const r = body.insertRow();
      r.insertCell().textContent = name;
      r.insertCell().textContent = value.toFixed(4);
      r.insertCell().textContent = ci ? `${ci[0].toFixed(3)}–${ci[1].toFixed(3)}` : '';
    }
  }
  const curve = document.querySelector<HTMLCanvasElement>('#curve')!;
  drawLearningCurve(curve, info.history);
  curve.setAttribute('aria-label', t('curveTitle'));
}
