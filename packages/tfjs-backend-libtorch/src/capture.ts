/**
 * A training step without JavaScript per kernel. A step (forward, gradients, BatchNorm statistics, the
 * optimizer's update, the loss) runs as usual a few times; two of those runs are recorded by the addon, and if
 * they did exactly the same thing (native/capture.cc says what that means), every later step on inputs of the
 * same shapes is replayed natively in one call (a batch of another shape, such as an epoch's last, is recorded once
 * and then replayed too when its program has the captured one's form). Variables keep their tensors' ids and are current after each
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
  | { kind: 'captured'; ops: number; constants: number; fused: number }
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

/** A compiled program and the batch shapes it replays. */
interface Program {
  handle: number;
  key: string;
}

/** The most batch shapes besides the captured one that get a program of their own (the rest run plainly). */
const MAX_OTHER_SHAPES = 4;

/**
 * Captures and replays one kind of training step. Use one per training run; call `step` for every batch.
 */
export class StepCapture {
  status: CaptureStatus = { kind: 'warming' };
  /** Steps replayed so far (of any batch shape). */
  replays = 0;
  private warmed = 0;
  private recording: Recording | null = null;
  private program: Program | null = null;
  private variables: Variable[] = [];
  /**
   * Programs for other batch shapes (an epoch's last, smaller batch), compiled from one recording each once
   * the captured program stands; null: that shape runs plainly.
   */
  private readonly others = new Map<string, Program | null>();

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
      const program = key === this.program.key ? this.program : this.others.get(key);
      if (program === undefined) return this.recordOtherShape(inputs, rate, body, key);
      if (program === null) return body();
      try {
        return this.replay(program, inputs, rate);
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

  /**
   * Runs `body` while the addon records it. Returns the loss, and the recording unless the step cannot be
   * captured (then the capture is refused, or, when the step made or removed variables, null: record again).
   */
  private recordOnce(
    inputs: Tensor[],
    rate: number,
    body: () => Tensor,
    key: string,
  ): { loss: Tensor; recording: Recording | null } {
    const { addon } = this.backend;
    // Only the CPU path has been checked op by op (the addon refuses too): elsewhere steps run plainly.
    const device = addon.getDevice();
    if (device !== 'cpu') {
      this.refuse(`step capture runs on the CPU only (not yet checked on ${device})`);
      return { loss: body(), recording: null };
    }
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
      return { loss, recording: null };
    }
    const names = vars.map(([n]) => n);
    const varsNow = variablesByName();
    if (varsNow.length !== vars.length || varsNow.some(([n], i) => n !== names[i])) {
      // Variables were made or removed (a first optimizer step).
      addon.captureRelease(trace);
      return { loss, recording: null };
    }
    const roles: CaptureRoles = [
      inputs.map((t) => this.backend.nativeId(t)),
      before,
      varsNow.map(([, v]) => this.backend.nativeId(v)),
      [this.backend.nativeId(loss)],
      rate,
    ];
    return { loss, recording: { trace, roles, names, key } };
  }

  private record(inputs: Tensor[], rate: number, body: () => Tensor, key: string): Tensor {
    const { addon } = this.backend;
    this.status = { kind: 'recording' };
    const { loss, recording } = this.recordOnce(inputs, rate, body, key);
    if (!recording) {
      this.release();
      return loss;
    }
    const first = this.recording;
    if (!first || first.key !== key || first.names.join('\n') !== recording.names.join('\n')) {
      this.release();
      this.recording = recording;
      return loss;
    }
    try {
      const handle = addon.captureCompile(first.trace, recording.trace, first.roles, recording.roles);
      const [ops, , constants, fused] = addon.captureInfo(handle);
      this.program = { handle, key };
      this.variables = variablesByName().map(([, v]) => v);
      this.status = { kind: 'captured', ops, constants, fused };
      this.opts.onStatus?.(this.status);
    } catch (e) {
      this.refuse((e as Error).message.replace(/^libtorch capture: /, ''));
    } finally {
      addon.captureRelease(first.trace);
      addon.captureRelease(recording.trace);
      this.recording = null;
    }
    return loss;
  }

  /**
   * A batch of another shape once the step is captured: recorded once, and replayed from then on if its
   * program has the captured program's form (native/capture.cc formDifference says why one recording is then
   * enough); otherwise this shape runs plainly. An epoch's last batch is usually smaller than the others.
   */
  private recordOtherShape(inputs: Tensor[], rate: number, body: () => Tensor, key: string): Tensor {
    if (this.others.size >= MAX_OTHER_SHAPES) return body();
    const { addon } = this.backend;
    const { loss, recording } = this.recordOnce(inputs, rate, body, key);
    if (this.status.kind === 'refused') return loss;
    let program: Program | null = null;
    const names = this.variables.map((v) => v.name);
    if (recording && recording.names.join('\n') === names.join('\n')) {
      try {
        const handle = addon.captureCompile(recording.trace, recording.trace, recording.roles, recording.roles);
        if (addon.captureSameForm(this.program!.handle, handle) === '') program = { handle, key };
        else addon.captureRelease(handle);
      } catch {
        // Not replayable: this shape runs plainly.
      }
    }
    if (recording) addon.captureRelease(recording.trace);
    this.others.set(key, program);
    return loss;
  }

  private replay(program: Program, inputs: Tensor[], rate: number): Tensor {
    const backend = this.backend;
    const flat = backend.addon.captureReplay(
      program.handle,
      inputs.map((t) => backend.nativeId(t)),
      this.variables.map((v) => backend.nativeId(v)),
      rate,
    );
    this.replays++;
    const rank = flat[2];
    const info = backend.adopt(flat[0], flat.slice(3, 3 + rank), dtypeName(flat[1]));
    return engine().makeTensorFromTensorInfo(info, backend);
  }

  private release(): void {
    if (this.recording) this.backend.addon.captureRelease(this.recording.trace);
    this.recording = null;
  }

  /** Frees the recorded steps and the programs; later steps run plainly. */
  dispose(): void {
    if (getBackend() !== 'libtorch') return;
    this.release();
    for (const p of [this.program, ...this.others.values()]) if (p) this.backend.addon.captureRelease(p.handle);
    this.program = null;
    this.others.clear();
  }
}
