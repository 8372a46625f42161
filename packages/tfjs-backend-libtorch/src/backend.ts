/** The tfjs backend: tensor storage as ATen tensors held by the native table. */
import { KernelBackend, type BackendValues, type DataId, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';

import { dtypeCode, dtypeName } from './dtypes.js';
import type { NativeAddon } from './native.js';
import { type AttrSpec, attrSpecs, NATIVE_OPS, type NativeOp, type OpAttrs } from './native_ops.js';

/** A native op as the backend calls it: its index in the addon and its attributes in the addon's order. */
interface OpEntry {
  index: number;
  attrs: AttrSpec[];
}

/** What the backend keeps per tfjs dataId: the native tensor id, or JS values for strings. */
interface Slot {
  id: number;
  refCount: number;
  dtype: DataType;
  strings?: BackendValues;
}

export class LibtorchBackend extends KernelBackend {
  private readonly slots = new WeakMap<DataId, Slot>();
  private count = 0;
  private readonly ops = new Map<string, OpEntry>();

  constructor(readonly addon: NativeAddon) {
    super();
    addon.opNames().forEach((name, index) => {
      if (name in NATIVE_OPS) this.ops.set(name, { index, attrs: attrSpecs(name as NativeOp) });
    });
  }

  private slot(dataId: DataId): Slot {
    const s = this.slots.get(dataId);
    if (!s) throw new Error('libtorch backend: unknown dataId (tensor disposed or on another backend)');
    return s;
  }

  private store(dataId: DataId, values: BackendValues | null, shape: number[], dtype: DataType, refCount: number) {
    let slot: Slot;
    if (dtype === 'string') {
      slot = { id: -1, refCount, dtype, strings: values ?? [] };
    } else {
      const data =
        values ??
        new (dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array)(
          shape.reduce((a, b) => a * b, 1),
        );
      slot = { id: this.addon.write(data as ArrayBufferView, shape, dtypeCode(dtype)), refCount, dtype };
    }
    this.slots.set(dataId, slot);
    this.count++;
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.store(dataId, values, shape, dtype, 1);
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.store(dataId, values, shape, dtype, refCount);
  }

  /** Wraps a native output as a tfjs TensorInfo with a fresh dataId. */
  adopt(id: number, shape: number[], dtype: DataType): TensorInfo {
    const dataId = {};
    this.slots.set(dataId, { id, refCount: 1, dtype });
    this.count++;
    return { dataId, shape, dtype };
  }

  /** The native id of a tensor; throws for string tensors. */
  nativeId(t: TensorInfo): number {
    const s = this.slot(t.dataId);
    if (s.id < 0) throw new Error(`libtorch backend: ${s.dtype} tensors have no native storage`);
    return s.id;
  }

  /**
   * Seeds the backend's own generator, which the random kernels (LibtorchDropoutMask) draw from: the same seed
   * gives the same numbers, on any device and in captured steps alike. Unseeded, it differs run to run.
   */
  setRandomSeed(seed: number): void {
    this.addon.setRandomSeed(seed);
  }

  /** A native op by name (native/kernels/*.cc). */
  private op(name: NativeOp): OpEntry {
    const entry = this.ops.get(name);
    if (entry === undefined) throw new Error(`libtorch backend: native op '${name}' is missing from the addon`);
    return entry;
  }

  /** The attributes of `op` as the addon takes them: flat numbers in its order, a list as its length and values. */
  private flatAttrs(name: NativeOp, op: OpEntry, attrs: Record<string, unknown>): number[] {
    const flat: number[] = [];
    for (const { name: attr, list } of op.attrs) {
      const v = attrs[attr];
      if (list && Array.isArray(v)) flat.push(v.length, ...(v as number[]));
      else if (!list && (typeof v === 'number' || typeof v === 'boolean')) flat.push(Number(v));
      else
        throw new Error(
          `native op '${name}': attribute '${attr}' must be ${list ? 'a list of numbers' : 'a number'}, got ${v}`,
        );
    }
    if (Object.keys(attrs).length !== op.attrs.length) {
      const known = new Set(op.attrs.map((a) => a.name));
      const extra = Object.keys(attrs).filter((k) => !known.has(k));
      throw new Error(
        `native op '${name}' has no attribute(s) ${extra.join(', ')} (it takes ${NATIVE_OPS[name].join(', ') || 'none'})`,
      );
    }
    return flat;
  }

  override refCount(dataId: DataId): number {
    return this.slots.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    this.slot(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.count;
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): BackendValues {
    const s = this.slot(dataId);
    return s.strings ?? this.addon.read(s.id);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const s = this.slots.get(dataId);
    if (!s) return true;
    s.refCount--;
    if (!force && s.refCount > 0) return false;
    if (s.id >= 0) this.addon.dispose(s.id);
    this.slots.delete(dataId);
    this.count--;
    return true;
  }

  disposeIntermediateTensorInfo(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  override memory() {
    // numBytesInLibtorch: held by tensors; numBytesCachedInLibtorch: freed, kept for reuse (native/allocator.cc).
    return {
      unreliable: false,
      numBytesInLibtorch: this.addon.memoryBytes(),
      numBytesCachedInLibtorch: this.addon.cachedBytes(),
    } as { unreliable: boolean };
  }

  override async time(f: () => void) {
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {}

  /** Runs a native op with its attributes by name; returns its outputs as TensorInfos (cast to `castTo` when given). */
  run<O extends NativeOp>(op: O, inputs: TensorInfo[], attrs: OpAttrs<O>, castTo?: DataType): TensorInfo[] {
    const entry = this.op(op);
    const ids = inputs.map((t) => this.nativeId(t));
    const flatAttrs = this.flatAttrs(op, entry, attrs as Record<string, unknown>);
    const flat = this.addon.run(entry.index, ids, flatAttrs, castTo === undefined ? -1 : dtypeCode(castTo));
    const outs: TensorInfo[] = [];
    for (let p = 0; p < flat.length; ) {
      const id = flat[p],
        dtype = dtypeName(flat[p + 1]),
        rank = flat[p + 2];
      outs.push(this.adopt(id, flat.slice(p + 3, p + 3 + rank), dtype));
      p += 3 + rank;
    }
    return outs;
  }

  /** Runs a single-output native op. */
  run1<O extends NativeOp>(op: O, inputs: TensorInfo[], attrs: OpAttrs<O>, castTo?: DataType): TensorInfo {
    return this.run(op, inputs, attrs, castTo)[0];
  }
}
