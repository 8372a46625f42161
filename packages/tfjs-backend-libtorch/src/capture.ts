/**
 * A training step without JavaScript per kernel. A step (forward, gradients, BatchNorm statistics, the
 * optimizer's update, the loss) runs as usual a few times; two of those runs are recorded by the addon, and if
 * they did exactly the same thing (native/capture.cc says what that means), every later step on inputs of the
 * same shapes is replayed natively in one call. Variables keep their tensors' ids and are current after each
 * replayed step, so reading or saving the model needs nothing written back. What cannot be captured — a
 * kernel that falls back to the cpu backend, random numbers drawn in JavaScript (tfjs' own dropout), a value
 * JavaScript computes from the data, a step that creates variables — is refused with the reason, and the plain
 * step runs as before. Random numbers the backend draws itself (LibtorchDropoutMask) are replayed.
 */
import { engine, getBackend, type Tensor, type Variable } from '@tensorflow/tfjs-core';

import type { LibtorchBackend } from './backend.js';
import { dtypeName } from './dtypes.js';
import { fallbackCounts } from './fallback.js';
import type { CaptureRoles } from './native.js';

/** Where a captured step stands. */
export type CaptureStatus =
  | { kind: 'warming' }
  | { kind: 'recording' }
  | { kind: 'captured'; ops: number; constants: number }
  | { kind: 'refused'; reason: string };

/** A step recorded once, waiting for a second to compare with. */
interface Recording {
  trace: number;
  roles: CaptureRoles;
  names: string[];
  key: string;
}

const shapeKey = (inputs: Tensor[]): string => inputs.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' ');

/** The registered variables, by name: the state a step may change. */
function variablesByName(): [string, Variable][] {
  return Object.entries(engine().registeredVariables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Captures and replays one kind of training step. Use one per training run; call `step` for every batch.
 */
export class StepCapture {
  status: CaptureStatus = { kind: 'warming' };
  private warmed = 0;
  private recording: Recording | null = null;
  private program: { handle: number; key: string; variables: Variable[] } | null = null;

  /**
   * `warmupSteps`: plain steps before recording (the first step creates the optimizer's moments). `onStatus`
   * hears when the step is captured or refused.
   */
  constructor(private readonly opts: { warmupSteps?: number; onStatus?: (s: CaptureStatus) => void } = {}) {}

  private get backend(): LibtorchBackend {
    return engine().backend as LibtorchBackend;
  }

  /**
   * One step on `inputs` (the batch: images and labels, made before the step). `body` runs the step and
   * returns its loss; it is not called when the step is replayed. `rate`: the learning-rate factor in effect
   * (a schedule's; 1 without one) — the only thing allowed to change between steps.
   */
  step(inputs: Tensor[], rate: number, body: () => Tensor): Tensor {
    if (getBackend() !== 'libtorch' || this.status.kind === 'refused') return body();
    const key = shapeKey(inputs);
    if (this.program) {
      // Another batch size (an epoch's last batch) runs plainly; the program stays for the next full one.
      if (key !== this.program.key) return body();
      try {
        return this.replay(inputs, rate);
      } catch (e) {
        // Nothing was changed by the failed replay: the plain step does this batch.
        this.refuse(`replay failed: ${(e as Error).message}`);
        return body();
      }
    }
    if (this.warmed < (this.opts.warmupSteps ?? 1)) {
      this.warmed++;
      return body();
    }
    return this.record(inputs, rate, body, key);
  }

  private refuse(reason: string): void {
    this.dispose();
    this.status = { kind: 'refused', reason };
    this.opts.onStatus?.(this.status);
  }

  private record(inputs: Tensor[], rate: number, body: () => Tensor, key: string): Tensor {
    const { addon } = this.backend;
    // Only the CPU path has been checked op by op (the addon refuses too): elsewhere steps run plainly.
    const device = addon.getDevice();
    if (device !== 'cpu') {
      this.refuse(`step capture runs on the CPU only (not yet checked on ${device})`);
      return body();
    }
    this.status = { kind: 'recording' };
    const vars = variablesByName();
    const before = vars.map(([, v]) => this.backend.nativeId(v));
    const fallbacks = fallbackCounts();
    addon.captureBegin();
    let loss: Tensor;
    try {
      loss = body();
    } catch (e) {
      addon.captureAbort();
      throw e;
    }
    const trace = addon.captureEnd();
    const now = fallbackCounts();
    const fellBack = Object.keys(now).filter((k) => now[k] !== (fallbacks[k] ?? 0));
    if (fellBack.length > 0) {
      addon.captureRelease(trace);
      this.refuse(`kernel(s) ${fellBack.join(', ')} run on the cpu fallback`);
      return loss;
    }
    const names = vars.map(([n]) => n);
    const varsNow = variablesByName();
    if (varsNow.length !== vars.length || varsNow.some(([n], i) => n !== names[i])) {
      // Variables were made or removed (a first optimizer step): record again on the next step.
      addon.captureRelease(trace);
      this.release();
      return loss;
    }
    const roles: CaptureRoles = [
      inputs.map((t) => this.backend.nativeId(t)),
      before,
      varsNow.map(([, v]) => this.backend.nativeId(v)),
      [this.backend.nativeId(loss)],
      rate,
    ];
    const first = this.recording;
    if (!first || first.key !== key || first.names.join('\n') !== names.join('\n')) {
      this.release();
      this.recording = { trace, roles, names, key };
      return loss;
    }
    try {
      const handle = addon.captureCompile(first.trace, trace, first.roles, roles);
      const [ops, , constants] = addon.captureInfo(handle);
      this.program = { handle, key, variables: varsNow.map(([, v]) => v) };
      this.status = { kind: 'captured', ops, constants };
      this.opts.onStatus?.(this.status);
    } catch (e) {
      this.refuse((e as Error).message.replace(/^libtorch capture: /, ''));
    } finally {
      addon.captureRelease(first.trace);
      addon.captureRelease(trace);
      this.recording = null;
    }
    return loss;
  }

  private replay(inputs: Tensor[], rate: number): Tensor {
    const backend = this.backend;
    const program = this.program!;
    const flat = backend.addon.captureReplay(
      program.handle,
      inputs.map((t) => backend.nativeId(t)),
      program.variables.map((v) => backend.nativeId(v)),
      rate,
    );
    const rank = flat[2];
    const info = backend.adopt(flat[0], flat.slice(3, 3 + rank), dtypeName(flat[1]));
    return engine().makeTensorFromTensorInfo(info, backend);
  }

  private release(): void {
    if (this.recording) this.backend.addon.captureRelease(this.recording.trace);
    this.recording = null;
  }

  /** Frees the recorded steps and the program; later steps run plainly. */
  dispose(): void {
    if (getBackend() !== 'libtorch') return;
    this.release();
    if (this.program) this.backend.addon.captureRelease(this.program.handle);
    this.program = null;
  }
}
