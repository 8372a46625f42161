/** The page's words in English and Japanese; `{name}` marks a value filled in by t(). */
export type Lang = 'en' | 'ja';

const strings = {
  title: { en: 'medcnn — classify and explain, on this device', ja: 'medcnn — この端末の中で分類し、根拠を示す' },
  privacy: {
    en: 'Your image is processed inside this browser only. Nothing is uploaded.',
    ja: '画像はこのブラウザの中だけで処理され、どこにも送信されません。',
  },
  chooseImage: { en: 'Image', ja: '画像' },
  dropHint: {
    en: 'Drop a PNG or JPEG here, or click (Enter) to choose a file',
    ja: 'PNG / JPEG をここへドロップ、またはクリック（Enter）でファイルを選択',
  },
  orSample: { en: 'or a test image of the run:', ja: 'または、このランのテスト画像:' },
  sampleChoose: { en: '(choose)', ja: '（選択）' },
  sampleOption: { en: 'test #{index} — {label}', ja: 'テスト #{index} — {label}' },
  noSamples: { en: '(none: {reason})', ja: '（なし: {reason}）' },
  imageName: {
    en: 'Showing: {name} ({width}×{height}, read as {h}×{w} as the model was trained)',
    ja: '表示中: {name}（{width}×{height}、学習時と同じ {h}×{w} に変換）',
  },
  tabClassify: { en: 'Classify', ja: '分類' },
  tabAnatomy: { en: 'CNN anatomy', ja: 'CNN の解剖' },
  prediction: { en: 'Prediction', ja: '予測' },
  predictionHint: { en: 'Choose an image to classify it.', ja: '画像を選ぶと分類します。' },
  gradcam: { en: 'Grad-CAM: where the model looked', ja: 'Grad-CAM: モデルが注目した場所' },
  opacity: { en: 'Heat-map opacity', ja: 'ヒートマップの不透明度' },
  camCaption: {
    en: 'Grad-CAM for “{label}” on layer {layer} ({h}×{w} map); red marks the strongest support.',
    ja: '「{label}」の Grad-CAM（層 {layer}、{h}×{w} のマップ）。赤いほど強く根拠にした場所です。',
  },
  camZero: {
    en: 'The map is zero everywhere: nothing in layer {layer} supports “{label}”.',
    ja: 'マップは全面ゼロです: 層 {layer} に「{label}」を支持する部分はありません。',
  },
  aboutRun: { en: 'The run', ja: 'このラン' },
  factRun: { en: 'Run', ja: 'ラン' },
  factModel: { en: 'Model', ja: 'モデル' },
  factDataset: { en: 'Dataset', ja: 'データセット' },
  factInput: { en: 'Model input', ja: 'モデル入力' },
  factEngine: { en: 'Engine in this page', ja: 'このページの計算エンジン' },
  metricsTitle: { en: 'Test set (kept model: best validation AUC)', ja: 'テストセット（検証 AUC 最良のモデル）' },
  metricsNone: { en: 'This run has no test metrics.', ja: 'このランにはテスト結果がありません。' },
  metric: { en: 'metric', ja: '指標' },
  value: { en: 'value', ja: '値' },
  ci: { en: '95% CI', ja: '95% 信頼区間' },
  accuracy: { en: 'Accuracy (ACC)', ja: '正解率 (ACC)' },
  auc: { en: 'AUC', ja: 'AUC' },
  sensitivity: { en: 'Sensitivity', ja: '感度' },
  specificity: { en: 'Specificity', ja: '特異度' },
  curveTitle: {
    en: 'Learning curve: loss (left axis) and validation AUC (right axis) per epoch',
    ja: '学習曲線: エポックごとの損失（左軸）と検証 AUC（右軸）',
  },
  trainLoss: { en: 'train loss', ja: '学習損失' },
  valLoss: { en: 'validation loss', ja: '検証損失' },
  valAuc: { en: 'validation AUC', ja: '検証 AUC' },
  epoch: { en: 'epoch', ja: 'エポック' },
  noHistory: { en: 'No learning curve in this run.', ja: 'このランには学習曲線がありません。' },
  loading: { en: 'Loading the model…', ja: 'モデルを読み込み中…' },
  engine: {
    en: 'TF.js backend: {backend}. All computation runs in this page.',
    ja: 'TF.js バックエンド: {backend}。計算はすべてこのページ内で行われます。',
  },
  errNotImage: {
    en: '“{name}” is not a PNG or JPEG image. Choose a .png or .jpg file.',
    ja: '「{name}」は PNG / JPEG 画像ではありません。.png か .jpg のファイルを選んでください。',
  },
  errTooBig: {
    en: '“{name}” is too large: {problem}. Use a smaller image.',
    ja: '「{name}」は大きすぎます（{problem}）。小さい画像を使ってください。',
  },
  errFileTooBig: {
    en: '“{name}” is {mb} MB; files up to {max} MB are accepted.',
    ja: '「{name}」は {mb} MB です。{max} MB までのファイルを使ってください。',
  },
  errDecode: {
    en: '“{name}” could not be decoded as an image; the file may be damaged.',
    ja: '「{name}」を画像として読み込めません。ファイルが壊れている可能性があります。',
  },
  errRun: {
    en: 'The run could not be loaded ({detail}). Is `medcnn serve` still running?',
    ja: 'ランを読み込めません（{detail}）。`medcnn serve` は動いていますか？',
  },
  errModel: {
    en: 'The run’s model files are missing or damaged ({detail}). Train the run again, or serve another run.',
    ja: 'ランのモデルファイルが見つからないか壊れています（{detail}）。学習し直すか、別のランを指定してください。',
  },
  errEngine: {
    en: 'No TF.js backend could start in this browser ({detail}).',
    ja: 'このブラウザでは TF.js のバックエンドを起動できません（{detail}）。',
  },
  errSample: { en: 'The test image could not be loaded ({detail}).', ja: 'テスト画像を読み込めません（{detail}）。' },
  errCompute: {
    en: 'The model failed on this image ({detail}).',
    ja: 'この画像でモデルの計算に失敗しました（{detail}）。',
  },
  anatomyTitle: { en: 'How a convolution sees your image', ja: '畳み込みは画像をどう見るか' },
  anatomyIntro: {
    en: 'Choose a filter (a kernel K). The convolution slides it over the image I and adds up the products; ReLU keeps the positive part; 2×2 max-pooling keeps the strongest response of each 2×2 block. In the outputs blue is negative, red positive.',
    ja: 'フィルタ（カーネル K）を選んでください。畳み込みはそれを画像 I の上で滑らせて積を足し合わせ、ReLU は正の部分だけを残し、2×2 最大プーリングは 2×2 ごとに最も強い反応を残します。出力では青が負、赤が正です。',
  },
  filter: { en: 'Filter', ja: 'フィルタ' },
  filterVertical: { en: 'Vertical edge (hand-made)', ja: '縦エッジ（手作り）' },
  filterHorizontal: { en: 'Horizontal edge (hand-made)', ja: '横エッジ（手作り）' },
  filterCross: { en: '“×” pattern (hand-made)', ja: '「×」パターン（手作り）' },
  filterLearned: {
    en: 'Learned filter {n} of {total} (layer {layer})',
    ja: '学習済みフィルタ {n}/{total}（層 {layer}）',
  },
  crossCorrelation: {
    en: 'CNN layers apply the kernel without flipping it (I(i + m, j + n) · K(m, n), cross-correlation); this page does the same, with zero padding so the size is kept. Learned filters are summed over colour channels and shown without their bias.',
    ja: 'CNN の層はカーネルを反転せずに適用します（I(i + m, j + n) · K(m, n)、相互相関）。このページも同じで、ゼロパディングで大きさを保ちます。学習済みフィルタは色チャンネルで合計し、バイアスは加えていません。',
  },
  stageInput: { en: 'Input I ({h}×{w}, normalised)', ja: '入力 I（{h}×{w}、正規化済み）' },
  stageConv: { en: 'Convolution S = I ∗ K', ja: '畳み込み S = I ∗ K' },
  stageRelu: { en: 'ReLU: max(0, S)', ja: 'ReLU: max(0, S)' },
  stagePool: { en: '2×2 max-pooling ({h}×{w})', ja: '2×2 最大プーリング（{h}×{w}）' },
  detailHint: {
    en: 'Point at the convolution output (or focus it with Tab and move with the arrow keys) to see the multiply-adds that made a pixel.',
    ja: '畳み込みの出力を指す（または Tab で選んで矢印キーで移動する）と、その画素を作った積和が表示されます。',
  },
  detailTitle: {
    en: 'S({i}, {j}) = Σ I(i + m, j + n) · K(m, n) = {value}',
    ja: 'S({i}, {j}) = Σ I(i + m, j + n) · K(m, n) = {value}',
  },
  detailAfter: {
    en: 'after ReLU: {relu} · in pooling cell ({pi}, {pj}): max = {pool}',
    ja: 'ReLU 後: {relu} · プーリングのセル ({pi}, {pj}): 最大 = {pool}',
  },
  noImage: {
    en: 'Choose an image above to see it pass through the filter.',
    ja: '上で画像を選ぶと、フィルタを通る様子が表示されます。',
  },
} satisfies Record<string, Record<Lang, string>>;

export type Key = keyof typeof strings;

let current: Lang = 'en';

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as Key);
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]'))
    b.setAttribute('aria-pressed', String(b.dataset.lang === l));
}

/** A phrase in the current language with its {placeholders} filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return strings[key][current].replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** An error whose message the page shows in the current language. */
export class PageError extends Error {
  constructor(
    readonly key: Key,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(key);
  }
  localized(): string {
    return t(this.key, this.vars);
  }
}
