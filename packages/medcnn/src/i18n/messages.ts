import { MedcnnError } from '../errors.js';

export type Lang = 'en' | 'ja';

/** Every user-facing phrase, in English and Japanese. `{name}` marks a value filled in by t(). */
const messages = {
  backend: { en: 'backend: {backend} ({threads} thread(s))', ja: 'バックエンド: {backend}（{threads} スレッド）' },
  backendSkipped: { en: '  {backend} unavailable: {reason}', ja: '  {backend} は使用不可: {reason}' },
  dataset: { en: 'dataset: {flag} {size}×{size}  train {train} · val {val} · test {test}', ja: 'データセット: {flag} {size}×{size}  学習 {train} · 検証 {val} · テスト {test}' },
  model: { en: 'model: {name}, {params} trainable parameters', ja: 'モデル: {name}（学習可能パラメータ {params}）' },
  epoch: { en: 'epoch', ja: 'エポック' },
  epochSummary: {
    en: 'epoch {epoch}/{epochs}: train loss {trainLoss} · val loss {valLoss} · val ACC {valAcc} · val AUC {valAuc} · {sps} samples/s{best}',
    ja: 'エポック {epoch}/{epochs}: 学習損失 {trainLoss} · 検証損失 {valLoss} · 検証 ACC {valAcc} · 検証 AUC {valAuc} · {sps} 枚/秒{best}',
  },
  bestMark: { en: '  ★ best so far, saved', ja: '  ★ 最良のため保存' },
  stopping: { en: 'Stopping after this batch; saving what is done… (Ctrl-C again to quit at once)', ja: 'このバッチの後で停止し、途中までの結果を保存します…（もう一度 Ctrl-C で即終了）' },
  testResult: { en: 'test (best epoch {epoch}): ACC {acc} [95% CI {accLo}–{accHi}] · AUC {auc} [95% CI {aucLo}–{aucHi}]', ja: 'テスト（最良エポック {epoch}）: 正解率 ACC {acc} [95%CI {accLo}–{accHi}] · AUC {auc} [95%CI {aucLo}–{aucHi}]' },
  testResultPlain: { en: 'test (best epoch {epoch}): ACC {acc} · AUC {auc}', ja: 'テスト（最良エポック {epoch}）: 正解率 ACC {acc} · AUC {auc}' },
  clinical: { en: 'sensitivity {sens} · specificity {spec} · PPV {ppv} · NPV {npv} · F1 {f1}', ja: '感度 {sens} · 特異度 {spec} · 陽性的中率 {ppv} · 陰性的中率 {npv} · F1 {f1}' },
  runSaved: { en: 'run saved in {dir} (open report.html)', ja: '結果を {dir} に保存しました（report.html を開いてください）' },
  learningCurve: { en: 'Learning curve', ja: '学習曲線' },
  trainLoss: { en: 'train loss', ja: '学習損失' },
  valLoss: { en: 'validation loss', ja: '検証損失' },
  lossAxis: { en: 'loss', ja: '損失' },
  rocTitle: { en: 'ROC curve (test)', ja: 'ROC曲線（テスト）' },
  fpr: { en: '1 − specificity (false positive rate)', ja: '1 − 特異度（偽陽性率）' },
  tpr: { en: 'sensitivity (true positive rate)', ja: '感度（真陽性率）' },
  confusionTitle: { en: 'Confusion matrix (test)', ja: '混同行列（テスト）' },
  truth: { en: 'true', ja: '正解' },
  predicted: { en: 'predicted', ja: '予測' },
  samplesTitle: { en: 'Training samples', ja: '学習画像の例' },
  reportTitle: { en: 'medcnn report', ja: 'medcnn レポート' },
  prediction: { en: '{file}: {label} ({prob})', ja: '{file}: {label}（確率 {prob}）' },
  evaluated: { en: '{split}: ACC {acc} · AUC {auc}; predictions in {file}', ja: '{split}: 正解率 ACC {acc} · AUC {auc}; 予測は {file}' },
  downloaded: { en: '{file} is ready ({path})', ja: '{file} を用意しました（{path}）' },
} as const;

export type MessageKey = keyof typeof messages;

/** A message in the chosen language with its {placeholders} filled. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Checks a --lang value. */
export function parseLang(value: string | undefined): Lang {
  if (value === undefined || value === 'en') return 'en';
  if (value === 'ja') return 'ja';
  throw new MedcnnError(`--lang must be 'en' or 'ja', got '${value}'.`);
}
