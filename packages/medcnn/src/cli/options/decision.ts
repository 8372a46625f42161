import { parseThresholdRule } from '../../metrics/operating-point.js';
import type { DecisionSettings } from '../../run/decision.js';
import type { Flags } from '../args.js';

/** How probabilities become a decision: a threshold chosen on validation, and calibration. */
export const decisionFlags = {
  threshold: {
    kind: 'string',
    help: 'operating point chosen on validation (binary, multi-label): youden (default), sens:X, spec:X, or a fixed number such as 0.5',
  },
  calibrate: {
    kind: 'string',
    help: 'none, or temperature: fit a temperature on validation so probabilities match frequencies',
    choices: ['none', 'temperature'],
    default: 'none',
  },
} as const;

export function readDecision(f: Flags<typeof decisionFlags>): Partial<DecisionSettings> {
  return { calibrate: f.calibrate, ...(f.threshold === undefined ? {} : { rule: parseThresholdRule(f.threshold) }) };
}
