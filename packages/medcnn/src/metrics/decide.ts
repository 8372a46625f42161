import { isMultiLabel, type Task } from '../data/dataset-info.js';

/** The threshold(s) a run chose on validation: one for a binary task, one per label for multi-label. */
export type Threshold = number | number[] | undefined;

/**
 * The classes a run's decision picks from one image's probabilities: for a binary task the positive class when
 * its probability is above the threshold (else the other); for multi-label tasks every label above its
 * threshold (0.5 without one); otherwise, and without a threshold, the most probable class.
 */
export function decideClasses(task: Task, probs: readonly number[], threshold: Threshold, positiveClass = 1): number[] {
  if (task === 'binary-class' && typeof threshold === 'number')
    return [probs[positiveClass] > threshold ? positiveClass : 1 - positiveClass];
  if (isMultiLabel(task)) {
    const ts = Array.isArray(threshold) ? threshold : probs.map(() => 0.5);
    return probs.flatMap((v, k) => (v > ts[k] ? [k] : []));
  }
  return [probs.indexOf(Math.max(...probs))];
}
