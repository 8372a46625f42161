import { isMultiLabel, type Task } from '../data/dataset-info.js';
import { MedcnnError } from '../errors.js';
import {
  applyTemperature,
  binaryCalibration,
  type Calibration,
  fitTemperature,
  logitsFromProbabilities,
  multiclassCalibration,
  multilabelCalibration,
} from '../metrics/calibration.js';
import type { Predictions } from '../metrics/evaluator.js';
import { chooseLabelThresholds, chooseThreshold, type ThresholdRule } from '../metrics/operating-point.js';

/** How a run turns probabilities into a decision, chosen on validation and stored in config.json. */
export interface Decision {
  /** Temperature dividing the logits (absent: 1, not calibrated). */
  temperature?: number;
  /** The threshold rule and what it chose: one threshold for binary tasks, one per label for multi-label. */
  operatingPoint?: { rule: string; threshold: number | number[] };
}

/** What the user asked: a threshold rule (binary and multi-label tasks) and whether to calibrate. */
export interface DecisionSettings {
  rule?: ThresholdRule;
  calibrate: 'none' | 'temperature';
}

/** The logits temperature scaling divides, recovered from probabilities (softmax is shift-invariant). */
function logitsOf(task: Task, p: Predictions): { logits: Float64Array; labels: ArrayLike<number>; columns: number } {
  // Multi-label: each label's sigmoid is its own binary problem, one logit column, one shared temperature.
  if (isMultiLabel(task)) return { logits: logitsFromProbabilities(p.yScore, 1), labels: p.yTrue, columns: 1 };
  return { logits: logitsFromProbabilities(p.yScore, p.numClasses), labels: p.yTrue, columns: p.numClasses };
}

/** Probabilities after dividing the logits by the temperature (the predictions as they are when T = 1). */
export function calibrated(task: Task, p: Predictions, temperature?: number): Predictions {
  if (temperature === undefined || temperature === 1) return p;
  const { logits, columns } = logitsOf(task, p);
  const scaled = applyTemperature(logits, temperature, columns);
  return { ...p, yScore: Float32Array.from(scaled) };
}

/** The positive class's probability of every image (binary tasks). */
export function positiveScores(p: Predictions, positiveClass: number): Float32Array {
  const n = p.yScore.length / p.numClasses;
  return Float32Array.from({ length: n }, (_, i) => p.yScore[i * p.numClasses + positiveClass]);
}

/** 1 where the image shows the positive class (binary tasks). */
export function positiveTruth(p: Predictions, positiveClass: number): Uint8Array {
  return p.yTrue.map((y) => (y === positiveClass ? 1 : 0));
}

/**
 * Fits the temperature, then chooses the operating point, both on the validation predictions (never on test):
 * the threshold is chosen on the calibrated probabilities it will be applied to.
 */
export function decideOnValidation(
  task: Task,
  val: Predictions,
  positiveClass: number | undefined,
  settings: DecisionSettings,
  labelNames: string[],
): Decision {
  const decision: Decision = {};
  if (settings.calibrate === 'temperature') {
    const { logits, labels, columns } = logitsOf(task, val);
    decision.temperature = fitTemperature(logits, labels, columns).temperature;
  }
  if (!settings.rule) return decision;
  const p = calibrated(task, val, decision.temperature);
  const rule = settings.rule;
  if (task === 'binary-class') {
    const k = positiveClass ?? 1;
    const op = chooseThreshold(positiveTruth(p, k), positiveScores(p, k), rule);
    decision.operatingPoint = { rule: op.rule, threshold: op.threshold };
  } else if (isMultiLabel(task)) {
    const ops = chooseLabelThresholds(p.yTrue, p.yScore, p.numClasses, rule, labelNames);
    decision.operatingPoint = { rule: ops[0].rule, threshold: ops.map((o) => o.threshold) };
  } else {
    throw new MedcnnError(
      `--threshold applies to binary and multi-label tasks; a ${task} task decides by the most probable class.`,
      `--threshold は二値分類とマルチラベルのタスクにだけ使えます。${task} のタスクは最も確率の高いクラスで判定します。`,
    );
  }
  return decision;
}

/** Calibration of a split's predictions: on the positive class (binary), the labels pooled (multi-label), else the top label. */
export function calibrationOf(task: Task, p: Predictions, positiveClass: number | undefined): Calibration | null {
  if (task === 'binary-class') {
    const k = positiveClass ?? 1;
    return binaryCalibration(positiveTruth(p, k), positiveScores(p, k));
  }
  if (isMultiLabel(task)) return multilabelCalibration(p.yTrue, p.yScore);
  return multiclassCalibration(p.yTrue, p.yScore, p.numClasses);
}
