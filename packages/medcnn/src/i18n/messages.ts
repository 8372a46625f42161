import { MedcnnError } from '../errors.js';

export type Lang = 'en' | 'ja';

/** A text in every language medcnn speaks (a dataset's description, an augmentation's clinical reason). */
export type Localized = Record<Lang, string>;

/** Every user-facing phrase, in English and Japanese. `{name}` marks a value filled in by t(). */
const messages = {
  backend: {
    en: 'backend: {backend} ({threads} thread(s), device {device})',
    ja: 'バックエンド: {backend}（{threads} スレッド、デバイス {device}）',
  },
  stepCaptured: {
    en: '  training step captured: {ops} native ops replayed per batch, without JavaScript between them',
    ja: '  学習ステップを記録しました: バッチごとに {ops} 個のネイティブ演算を JavaScript を挟まずに再生します',
  },
  sharedCpu: {
    en: '  other busy processes share the CPU: {threads} threads went down to one while they do (results may differ in their last digits from a run on {threads}; MEDCNN_FIXED_THREADS=1 keeps the count)',
    ja: '  ほかの処理が CPU を使用中のため、{threads} スレッドをその間 1 スレッドに減らしました（結果の末尾の桁が {threads} スレッドでの学習と異なることがあります。MEDCNN_FIXED_THREADS=1 でスレッド数を固定できます）',
  },
  stepNotCaptured: {
    en: '  training step not captured ({reason}); every batch runs the plain path',
    ja: '  学習ステップは記録できませんでした（{reason}）。各バッチは通常の経路で学習します',
  },
  workersStarted: {
    en: 'started {n} workers × {threads} thread(s), meeting at 127.0.0.1:{port} (pids {pids})',
    ja: '{n} ワーカー × {threads} スレッドを起動しました。127.0.0.1:{port} で合流します（pid {pids}）',
  },
  workerFailed: {
    en: 'worker rank {rank} {how}; stopping the other workers',
    ja: 'ワーカーのランク {rank} が異常終了しました（{how}）。他のワーカーを停止します',
  },
  distributedJoined: {
    en: 'data-parallel: {world} ranks met at {addr} · {perRank} samples per rank per batch',
    ja: 'データ並列: {world} ランクが {addr} で合流 · バッチあたり各ランク {perRank} 枚',
  },
  backendSkipped: { en: '  {backend} unavailable: {reason}', ja: '  {backend} は使用不可: {reason}' },
  dataset: {
    en: 'dataset: {flag} {size}×{size}  train {train} · val {val} · test {test}',
    ja: 'データセット: {flag} {size}×{size}  学習 {train} · 検証 {val} · テスト {test}',
  },
  model: { en: 'model: {name}, {params} trainable parameters', ja: 'モデル: {name}（学習可能パラメータ {params}）' },
  epoch: { en: 'epoch', ja: 'エポック' },
  epochSummary: {
    en: 'epoch {epoch}/{epochs}: train loss {trainLoss} · val loss {valLoss} · val ACC {valAcc} · val AUC {valAuc} · {sps} samples/s{best}',
    ja: 'エポック {epoch}/{epochs}: 学習損失 {trainLoss} · 検証損失 {valLoss} · 検証 ACC {valAcc} · 検証 AUC {valAuc} · {sps} 枚/秒{best}',
  },
  bestMark: { en: '  ★ best so far, saved', ja: '  ★ 最良のため保存' },
  stopping: {
    en: 'Stopping after this batch; saving what is done… (Ctrl-C again to quit at once)',
    ja: 'このバッチの後で停止し、途中までの結果を保存します…（もう一度 Ctrl-C で即終了）',
  },
  testResult: {
    en: 'test (best epoch {epoch}): ACC {acc} [95% CI {accLo}–{accHi}] · AUC {auc} [95% CI {aucLo}–{aucHi}]',
    ja: 'テスト（最良エポック {epoch}）: 正解率 ACC {acc} [95%CI {accLo}–{accHi}] · AUC {auc} [95%CI {aucLo}–{aucHi}]',
  },
  testResultPlain: {
    en: 'test (best epoch {epoch}): ACC {acc} · AUC {auc}',
    ja: 'テスト（最良エポック {epoch}）: 正解率 ACC {acc} · AUC {auc}',
  },
  clinical: {
    en: 'sensitivity {sens} · specificity {spec} · PPV {ppv} · NPV {npv} · F1 {f1}',
    ja: '感度 {sens} · 特異度 {spec} · 陽性的中率 {ppv} · 陰性的中率 {npv} · F1 {f1}',
  },
  notAvailable: { en: 'n/a', ja: '算出不能' },
  notAvailableBecause: { en: 'n/a ({reason})', ja: '算出不能（{reason}）' },
  naNoPositiveCases: { en: 'no positive cases', ja: '陽性の例がない' },
  naNoNegativeCases: { en: 'no negative cases', ja: '陰性の例がない' },
  naNoPositivePredictions: { en: 'no positive predictions', ja: '陽性と予測された例がない' },
  naNoNegativePredictions: { en: 'no negative predictions', ja: '陰性と予測された例がない' },
  naNoPositiveCasesOrPredictions: {
    en: 'no positive cases or predictions',
    ja: '陽性の例も陽性の予測もない',
  },
  naOneClassOnly: { en: 'only one class in the data', ja: 'データに一方のクラスしかない' },
  runSaved: {
    en: 'run saved in {dir} (open report.html)',
    ja: '結果を {dir} に保存しました（report.html を開いてください）',
  },
  runInterrupted: {
    en: 'stopped after {done} of {epochs} epoch(s); run saved in {dir} (open report.html)',
    ja: '{epochs} エポック中 {done} エポックで停止しました。結果を {dir} に保存しました（report.html を開いてください）',
  },
  splitTest: { en: 'test', ja: 'テスト' },
  splitVal: { en: 'validation', ja: '検証' },
  splitTrain: { en: 'training', ja: '学習' },
  operatingPoint: {
    en: 'at the threshold chosen on validation ({rule}: {threshold}): ACC {acc} [{accCi}] · sensitivity {sens} [{sensCi}] · specificity {spec} [{specCi}] · PPV {ppv} · NPV {npv}',
    ja: '検証データで選んだしきい値（{rule}: {threshold}）: 正解率 ACC {acc} [{accCi}] · 感度 {sens} [{sensCi}] · 特異度 {spec} [{specCi}] · 陽性的中率 {ppv} · 陰性的中率 {npv}',
  },
  labelOperatingPoints: {
    en: 'at the thresholds chosen on validation ({rule}, one per label), sensitivity / specificity: {labels}',
    ja: '検証データでラベルごとに選んだしきい値（{rule}）での感度 / 特異度: {labels}',
  },
  calibrationBefore: {
    en: 'calibration (test): ECE {ece} · Brier {brier} · NLL {nll} (--calibrate temperature fits it on validation)',
    ja: '較正（テスト）: ECE {ece} · Brier {brier} · NLL {nll}（--calibrate temperature で検証データに合わせて補正できます）',
  },
  calibrationAfter: {
    en: 'calibration (test): ECE {eceBefore} → {ece} · Brier {brierBefore} → {brier} after temperature scaling (T = {temperature}, fitted on validation)',
    ja: '較正（テスト）: 温度スケーリング後 ECE {eceBefore} → {ece} · Brier {brierBefore} → {brier}（T = {temperature}、検証データで推定）',
  },
  seedRun: { en: '— seed {seed} ({n} of {total}) —', ja: '— シード {seed}（{total} 回中 {n} 回目）—' },
  seedsTitle: {
    en: 'Test results over {n} seeds (kept epoch on validation; ACC at 0.5 and, with sensitivity and specificity, at the threshold chosen on validation)',
    ja: '{n} 個のシードでのテスト結果（検証で選んだエポック; ACC は 0.5 と、感度・特異度とともに検証で選んだしきい値で）',
  },
  seedsWritten: {
    en: 'runs and summary saved in {dir} (seeds.md, seeds.csv, seeds.png)',
    ja: '各シードの結果と要約を {dir} に保存しました（seeds.md, seeds.csv, seeds.png）',
  },
  compareSpread: { en: 'Mean ± sd over {n} seeds', ja: '{n} 個のシードでの平均 ± 標準偏差' },
  compareTests: {
    en: "Paired tests on the same test images (same seed): DeLong's test of the AUCs; McNemar's test of the decisions at each run's threshold",
    ja: '同じテスト画像での対応のある検定（同じシード）: AUC の DeLong 検定、各モデルのしきい値での判定の McNemar 検定',
  },
  noDefaultThreshold: {
    en: 'note: no threshold chosen on validation, decisions use the most probable class ({reason})',
    ja: '注意: 検証データでしきい値を選べなかったため、最も確率の高いクラスで判定します（{reason}）',
  },
  positiveIs: { en: ' (positive class: {name})', ja: '（陽性クラス: {name}）' },
  earlyStopped: {
    en: 'stopped early after epoch {epoch}: no improvement since epoch {best} ({patience} epoch(s) of patience)',
    ja: 'エポック {epoch} で早期終了: エポック {best} 以降改善がありません（patience {patience} エポック）',
  },
  nothingKept: {
    en: 'stopped before the first epoch ended: no model was kept; the settings are in {dir}',
    ja: '最初のエポックが終わる前に停止したため、モデルは保存されていません。設定は {dir} にあります',
  },
  learningCurve: { en: 'Learning curve', ja: '学習曲線' },
  trainLoss: { en: 'train loss', ja: '学習損失' },
  valLoss: { en: 'validation loss', ja: '検証損失' },
  lossAxis: { en: 'loss', ja: '損失' },
  rocTitle: { en: 'ROC curve (test)', ja: 'ROC曲線（テスト）' },
  fpr: { en: '1 − specificity (false positive rate)', ja: '1 − 特異度（偽陽性率）' },
  tpr: { en: 'sensitivity (true positive rate)', ja: '感度（真陽性率）' },
  confusionTitle: { en: 'Confusion matrix (test)', ja: '混同行列（テスト）' },
  reliabilityTitle: { en: 'Reliability diagram ({split})', ja: 'キャリブレーション曲線（{split}）' },
  reliabilityPositiveAxis: { en: 'predicted probability of {positive}', ja: '{positive}の予測確率' },
  reliabilityPositiveObserved: { en: 'observed share with {positive}', ja: '実際に{positive}だった割合' },
  reliabilityConfidenceAxis: { en: 'confidence (largest predicted probability)', ja: '確信度（最大の予測確率）' },
  reliabilityAccuracyObserved: { en: 'observed accuracy', ja: '実際の正解率' },
  reliabilityPositiveClass: { en: 'the positive class', ja: '陽性クラス' },
  reliabilityEachLabel: { en: 'each label (all labels pooled)', ja: '各ラベル（全ラベルをまとめて）' },
  reliabilityModel: { en: 'model (ECE {ece})', ja: 'モデル（ECE {ece}）' },
  reliabilityBefore: { en: 'before temperature scaling (ECE {ece})', ja: '温度スケーリング前（ECE {ece}）' },
  reliabilityAfter: { en: 'after, T = {t} (ECE {ece})', ja: '温度スケーリング後 T = {t}（ECE {ece}）' },
  reliabilityIdeal: { en: 'perfect calibration', ja: '完全なキャリブレーション' },
  reliabilityCounts: { en: 'images per bin', ja: 'ビンごとの画像数' },
  seedSpreadTitle: { en: 'Spread over {n} seeds', ja: '{n} 個のシードでのばらつき' },
  seedLabel: { en: 'seed {seed}', ja: 'シード {seed}' },
  seedSpreadLegend: {
    en: 'dots: one seed each · bar: mean ± sd · band: 95% interval over seeds (t)',
    ja: '点：各シード · 線：平均 ± 標準偏差 · 帯：シード間の 95% 区間（t 分布）',
  },
  truth: { en: 'true', ja: '正解' },
  predicted: { en: 'predicted', ja: '予測' },
  samplesTitle: { en: 'Training samples', ja: '学習画像の例' },
  reportTitle: { en: 'medcnn report', ja: 'medcnn レポート' },
  prediction: { en: '{file}: {label} ({prob})', ja: '{file}: {label}（確率 {prob}）' },
  evaluated: {
    en: '{split}: ACC {acc} · AUC {auc}; predictions in {file}',
    ja: '{split}: 正解率 ACC {acc} · AUC {auc}; 予測は {file}',
  },
  downloaded: { en: '{file} is ready ({path})', ja: '{file} を用意しました（{path}）' },
  explainTitle: { en: 'Grad-CAM: where the model looked', ja: 'Grad-CAM：モデルが注目した場所' },
  explainSubtitle: {
    en: 'explains "{label}" (class {k}) · layer {layer} ({h}×{w} map, upsampled)',
    ja: '「{label}」（クラス {k}）の根拠 · 層 {layer}（{h}×{w} のマップを拡大）',
  },
  explainImage: { en: 'input image', ja: '入力画像' },
  explainHeatmap: { en: 'Grad-CAM heat map', ja: 'Grad-CAM ヒートマップ' },
  explainHigh: { en: 'high', ja: '高' },
  explainLow: { en: 'low', ja: '低' },
  explainProbs: { en: 'class probabilities', ja: 'クラス確率' },
  explained: {
    en: '{file}: {label} ({prob}) · Grad-CAM on {layer} → {png}',
    ja: '{file}: {label}（確率 {prob}）· {layer} の Grad-CAM → {png}',
  },
  anatomyFiltersTitle: { en: 'Learned first-layer filters ({layer})', ja: '学習された第1層のフィルタ（{layer}）' },
  anatomyFiltersNote: {
    en: '{n} of {total} filters, {kh}×{kw}, summed over {cin} input channel(s); red = positive weight, blue = negative. Left: the input image.',
    ja: '{total} 個中 {n} 個のフィルタ（{kh}×{kw}、入力 {cin} チャネルの和）。赤＝正の重み、青＝負の重み。左：入力画像',
  },
  anatomyFiltersRow: { en: 'filters of {layer}', ja: '{layer} のフィルタ' },
  anatomyBlockTitle: { en: 'Block {k}: {layers}', ja: 'ブロック {k}：{layers}' },
  anatomyBlockNote: {
    en: 'Feature maps of the image on the left (first channels; each map scaled to itself). Convolution: red = positive, blue = negative.',
    ja: '左の画像の特徴マップ（先頭のチャネル、各マップごとに正規化）。畳み込み：赤＝正、青＝負',
  },
  anatomyConv: {
    en: 'after convolution ({layer}): {n} of {total} maps, {h}×{w}',
    ja: '畳み込みの後（{layer}）：{total} 枚中 {n} 枚、{h}×{w}',
  },
  anatomyRelu: {
    en: 'after activation ({layer}): negatives cut to 0, {h}×{w}',
    ja: '活性化（{layer}）の後：負の値は0に、{h}×{w}',
  },
  anatomyPool: {
    en: 'after pooling ({layer}): {h}×{w}, the strongest response kept',
    ja: 'プーリング（{layer}）の後：{h}×{w}、最も強い反応を残す',
  },
  anatomyAvgPool: {
    en: 'after pooling ({layer}): {h}×{w}, each area averaged',
    ja: 'プーリング（{layer}）の後：{h}×{w}、各領域を平均',
  },
  anatomyWritten: { en: 'wrote {png}', ja: '{png} を書き出しました' },
  transferBackbone: {
    en: 'backbone: {name} from {source}, rebuilt for {size}×{size} inputs; {frozen}',
    ja: 'バックボーン: {name}（{source}）を入力 {size}×{size} に再構築; {frozen}',
  },
  transferFrozenAll: { en: 'frozen, head only (features cached)', ja: '凍結、ヘッドのみ学習（特徴をキャッシュ）' },
  transferFrozenAllNoCache: {
    en: 'frozen, head only (augmented batches run through the backbone, nothing cached)',
    ja: '凍結、ヘッドのみ学習（拡張した画像を毎回バックボーンに通すためキャッシュなし）',
  },
  transferFinetune: {
    en: '{trainable} of {total} backbone layers trained at lr {lr}',
    ja: 'バックボーン {total} 層中 {trainable} 層を学習率 {lr} で学習',
  },
  transferFeatures: {
    en: 'frozen part run once on {n} images in {secs} s; its output ({layer}, {dims} per image) is cached',
    ja: '凍結部分を {n} 枚の画像で一度だけ実行（{secs} 秒）; 出力（{layer}、1枚あたり {dims}）をキャッシュ',
  },
  evaluatedCi: {
    en: '  ACC 95% CI {accLo}–{accHi} · AUC 95% CI {aucLo}–{aucHi}',
    ja: '  正解率 ACC 95%CI {accLo}–{accHi} · AUC 95%CI {aucLo}–{aucHi}',
  },
  evaluatedConfusion: {
    en: '  confusion [[TN, FP], [FN, TP]] = {matrix}',
    ja: '  混同行列 [[真陰性 TN, 偽陽性 FP], [偽陰性 FN, 真陽性 TP]] = {matrix}',
  },
  infoFlag: { en: 'flag', ja: 'フラグ' },
  infoTask: { en: 'task', ja: 'タスク' },
  infoModality: { en: 'modality', ja: 'モダリティ' },
  infoChannels: { en: 'ch', ja: 'ch' },
  infoClasses: { en: 'classes', ja: 'クラス数' },
  infoSplits: { en: 'train/val/test', ja: '学習/検証/テスト' },
  infoHere: { en: 'here ({root})', ja: '手元にあるサイズ（{root}）' },
  infoFacts: {
    en: '  task: {task} · modality: {modality} · channels: {channels} · license: {license}',
    ja: '  タスク: {task} · モダリティ: {modality} · チャネル数: {channels} · ライセンス: {license}',
  },
  infoSamples: {
    en: '  samples: train {train} · val {val} · test {test}',
    ja: '  画像数: 学習 {train} · 検証 {val} · テスト {test}',
  },
  infoLabels: { en: '  labels:', ja: '  ラベル:' },
  infoFiles: { en: '  files (root {root}):', ja: '  ファイル（データフォルダ {root}）:' },
  infoHereMark: { en: '[here]', ja: '[あり]' },
  infoMissing: { en: '[missing]', ja: '[なし]' },
  augmentListTransforms: {
    en: 'Transforms (NAME or NAME:VALUE, comma-separated; a preset name may appear in the list):',
    ja: '変換（NAME または NAME:VALUE をカンマ区切りで。プリセット名もリストに入れられます）:',
  },
  augmentListLimit: { en: ' ({param}, at most {limit})', ja: '（{param}、最大 {limit}）' },
  augmentListPresets: {
    en: "Presets (--augment auto picks the one of the dataset's modality):",
    ja: 'プリセット（--augment auto はデータセットのモダリティのものを選びます）:',
  },
  augmentListRefused: { en: 'refused: {names}', ja: '使用不可: {names}' },
  augmentListNone: { en: 'none', ja: 'なし' },
  augmentWarning: { en: 'medcnn: warning: {reason}', ja: 'medcnn: 警告: {reason}' },
  augmentListEvidence: { en: 'evidence: {evidence}', ja: '根拠: {evidence}' },
  augmentListAutoFull: {
    en: 'auto: the whole preset (measured to help)',
    ja: 'auto: プリセット全体（改善することが測定済み）',
  },
  augmentListAutoConservative: {
    en: 'auto: {transforms} only (conservative: the preset is not measured to help)',
    ja: 'auto: {transforms} のみ（控えめ: プリセットが改善することは測定されていない）',
  },
  augmentListAutoNothing: {
    en: 'auto: nothing (conservative: the preset is not measured to help, and has no flip or turn)',
    ja: 'auto: 何も適用しない（控えめ: プリセットが改善することは測定されておらず、反転・回転も含まない）',
  },
  augmentListAtSmallest: { en: 'at {size} px: {list}', ja: '{size} px では: {list}' },
  augmentListSizeRule: {
    en: "Size rule: a preset's rotate, translate and zoom are shrunk until they move a point at the middle of an edge by at most (S/28)² pixels at size S: 1 px at 28, 5.2 px at 64, no change from 128 px on (rotations are kept where the modality has no up or down). Explicit values (rotate:10) are never scaled.\nauto applies a whole preset only where it was measured to help; elsewhere only its flips and quarter turns (they permute pixels: nothing is resampled, recoloured or cropped). Check any augmentation on your data: medcnn augment-check --dataset FLAG --augment PRESET --seeds 0-2.",
    ja: 'サイズの規則: プリセットの rotate・translate・zoom は、サイズ S の画像で辺の中点にある点を最大 (S/28)² ピクセルしか動かさないように縮小します（28 px で 1 px、64 px で 5.2 px、128 px 以上では変更なし。上下のないモダリティの回転はそのまま）。明示した値（rotate:10）は縮小しません。\nauto はプリセットが改善することが測定されている場合にだけプリセット全体を使い、それ以外では反転と 90° 回転だけを使います（画素を並べ替えるだけで、補間・色の変化・切り取りがありません）。自分のデータでの効果は medcnn augment-check --dataset FLAG --augment PRESET --seeds 0-2 で確かめられます。',
  },
  augmentEvidenceUnmeasured: {
    en: 'unmeasured (nobody has measured whether it helps)',
    ja: '未測定（改善するかどうかは誰も測定していない）',
  },
  augmentEvidenceMeasured: { en: '{verdict} — {source}', ja: '{verdict} — {source}' },
  verdictHelps: { en: 'helps', ja: '改善する' },
  verdictHurts: { en: 'hurts', ja: '悪化させる' },
  verdictNoDifference: { en: 'no clear difference', ja: '明確な差なし' },
  verdictUnmeasured: { en: 'unmeasured', ja: '未測定' },
  augmentAutoFull: {
    en: 'augment: auto uses the whole {modality} preset; evidence: {evidence}',
    ja: 'augment: auto は {modality} のプリセット全体を使います。根拠: {evidence}',
  },
  augmentAutoConservative: {
    en: 'augment: auto applies only {transforms} (conservative: the flips and turns the {modality} rules allow, which lose nothing at any size), because the {modality} preset is not measured to help; evidence: {evidence}. The whole preset: --augment {modality}.',
    ja: 'augment: auto は {transforms} だけを使います（控えめ: {modality} の規則が認める反転・回転のみ。どのサイズでも情報を失わない）。{modality} のプリセットが改善することは測定されていないためです。根拠: {evidence}。プリセット全体は --augment {modality}。',
  },
  augmentAutoNothing: {
    en: 'augment: auto applies nothing, because the {modality} preset is not measured to help and has no flip or turn that loses nothing; evidence: {evidence}. The whole preset: --augment {modality}.',
    ja: 'augment: auto は何も適用しません。{modality} のプリセットが改善することは測定されておらず、情報を失わない反転・回転も含まれないためです。根拠: {evidence}。プリセット全体は --augment {modality}。',
  },
  augmentSuggestCheck: {
    en: 'augment: to see whether an augmentation helps on this data: {command}',
    ja: 'augment: このデータでデータ拡張が役立つかを確かめるには: {command}',
  },
  augmentScaled: {
    en: 'augment: geometry scaled for {size}-px images (at most {px} px at an edge): {changes}',
    ja: 'augment: {size} px の画像に合わせて幾何変換を縮小（辺で最大 {px} px）: {changes}',
  },
  checkArmWithout: { en: 'without augmentation', ja: 'データ拡張なし' },
  checkArmWith: { en: 'with --augment {name}', ja: '--augment {name} あり' },
  checkRun: {
    en: '— seed {seed}, {arm} ({n} of {total}) —',
    ja: '— シード {seed}、{arm}（{n} / {total}）—',
  },
  checkTitle: {
    en: 'Augmentation check: {dataset}, {model}, {epochs} epochs, seeds {seeds}; --augment {name}',
    ja: 'データ拡張の確認: {dataset}、{model}、{epochs} エポック、シード {seeds}。--augment {name}',
  },
  checkHeader: {
    en: '| seed | val AUC without | val AUC with | difference | test AUC without | test AUC with |',
    ja: '| シード | 検証 AUC（なし） | 検証 AUC（あり） | 差 | テスト AUC（なし） | テスト AUC（あり） |',
  },
  checkMean: { en: 'mean ± sd', ja: '平均 ± 標準偏差' },
  checkVerdict: {
    en: 'verdict: {verdict}. Validation AUC with minus without: {diff} (mean over {n} seeds; 95% interval {lo} to {hi}, paired t over seeds; p = {p}).',
    ja: '判定: {verdict}。検証 AUC の差（あり − なし）: {diff}（{n} シードの平均。95% 区間 {lo} 〜 {hi}、シード間の対応のある t 検定。p = {p}）。',
  },
  checkRule: {
    en: 'Rule: "helps" or "hurts" only when the 95% interval of the paired difference excludes 0; otherwise "no clear difference" (more seeds narrow it). The verdict uses validation only; the test AUC is shown, not used, so it stays an honest estimate.',
    ja: '規則: 対応のある差の 95% 区間が 0 を含まないときだけ「改善する」「悪化させる」と判定し、それ以外は「明確な差なし」とします（シードを増やすと区間は狭まります）。判定には検証データだけを使います。テスト AUC は表示のみで判定には使わないので、偏りのない推定のままです。',
  },
  checkCeiling: {
    en: 'Note: validation AUC is {min} or more in every run, near its ceiling, so a difference can hardly show there (on PneumoniaMNIST the test AUC moves while it does not; see the README).',
    ja: '注: 検証 AUC はすべての実行で {min} 以上と上限に近く、差はほとんど現れません（PneumoniaMNIST では検証 AUC が動かなくてもテスト AUC は変わります。README を参照）。',
  },
  checkWritten: {
    en: 'augment-check written to {dir} (augment-check.md, augment-check.json; runs in without/ and with/)',
    ja: 'augment-check の結果を {dir} に保存しました（augment-check.md、augment-check.json。各実行は without/ と with/）',
  },
  previewUnsafe: {
    en: 'UNSAFE (allowed by --allow-unsafe-augment): {reason}',
    ja: '危険（--allow-unsafe-augment により許可）: {reason}',
  },
  previewLegend: {
    en: 'Left of each group: the original (blue frame); then {versions} augmented versions. Seed {seed}.',
    ja: '各グループの左端が元画像（青枠）、続いて拡張した {versions} 枚。シード {seed}。',
  },
  previewWritten: {
    en: '{out}: {n} {flag} images, each with {versions} versions of --augment {name}',
    ja: '{out}: {flag} の画像 {n} 枚と、それぞれを --augment {name} で拡張した {versions} 枚',
  },
  unknownCommand: { en: "unknown command '{name}'.", ja: "不明なコマンド '{name}' です。" },
  compareTitle: { en: 'Validation AUC per epoch', ja: 'エポックごとの検証 AUC' },
  compareAuc: { en: 'validation AUC', ja: '検証 AUC' },
  compareRun: {
    en: '— {run}, {fraction} of the training set, seed {seed} —',
    ja: '— {run}、学習データの {fraction}、シード {seed} —',
  },
  compareTable: {
    en: 'Test results (best epoch on validation AUC), seed {seed}',
    ja: 'テスト結果（検証 AUC 最良のエポック）、シード {seed}',
  },
  compareWritten: {
    en: 'comparison saved in {dir} (compare.md, compare.csv, compare-curves.png)',
    ja: '比較結果を {dir} に保存しました（compare.md、compare.csv、compare-curves.png）',
  },
  decoding: { en: 'decoding', ja: '読み込み中' },
  decodingCount: { en: '{done}/{total} images', ja: '{done}/{total} 枚' },
  decoded: { en: '{n} images decoded', ja: '{n} 枚を読み込みました' },
  dataIgnored: {
    en: 'data: left out {n} file(s) whose names are not of images (PNG, JPEG, DICOM): {files}',
    ja: 'データ: 画像（PNG・JPEG・DICOM）の名前ではないファイル {n} 個を除外しました: {files}',
  },
  dataSkipped: {
    en: 'data: left out {n} image(s) that cannot be used (--on-bad-file skip): {files}',
    ja: 'データ: 使えない画像 {n} 枚を除外しました（--on-bad-file skip）: {files}',
  },
  dataLeakage: {
    en: 'warning: {n} image(s) have the same content as an image in another split (leakage: the model would be tested on what it trained on): {pairs}',
    ja: '警告: {n} 枚の画像が別の分割の画像と同じ内容です（リーク: 学習した画像でモデルを評価することになります）: {pairs}',
  },
  dataPatientLeakage: {
    en: 'warning: {n} patient(s) have images in more than one split (leakage): {patients}. Let medcnn make the splits (grouped by patient), or fix the splits.',
    ja: '警告: {n} 人の患者の画像が複数の分割にあります（リーク）: {patients}。medcnn に分割させる（患者ごとにまとめます）か、分割を直してください。',
  },
  dataSplitsMade: {
    en: 'data: {splits} made from train ({parts} of the whole, grouped by patient, seed {seed})',
    ja: 'データ: {splits} を train から作成しました（全体の {parts}、患者ごとにまとめ、シード {seed}）',
  },
  dataClasses: {
    en: 'classes: {classes} · task: {task} · channels: {channels}',
    ja: 'クラス: {classes} · タスク: {task} · チャンネル数: {channels}',
  },
  imported: {
    en: 'imported {n} images (train {train} · val {val} · test {test}; {classes}; {task}) at {size}×{size}×{channels} into {out} and {side} in {secs} s ({ips} images/s)',
    ja: '画像 {n} 枚（学習 {train} · 検証 {val} · テスト {test}; {classes}; {task}）を {size}×{size}×{channels} で {out} と {side} に取り込みました（{secs} 秒、{ips} 枚/秒）',
  },
} as const;

export type MessageKey = keyof typeof messages;

/** A message in the chosen language with its {placeholders} filled. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Checks a --lang value. */
export function parseLang(value: string | undefined): Lang {
  const lang = value?.trim().toLowerCase();
  if (lang === undefined || lang === 'en') return 'en';
  if (lang === 'ja') return 'ja';
  throw new MedcnnError(
    `--lang must be 'en' or 'ja', got '${value}'.`,
    `--lang は 'en' か 'ja' で指定してください（指定値: '${value}'）。`,
  );
}

/** How many terminal columns a text takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return w;
}

/** `text` padded with spaces to `width` terminal columns (String.padEnd counts a CJK character as one). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
