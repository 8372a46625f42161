import onnxProto from 'onnx-proto';
import { MedcnnError } from '../../errors.js';

/** ONNX's protobuf messages (onnx-proto: the official onnx.proto compiled with protobufjs). */
export const onnx = onnxProto.onnx;
export type OnnxModel = onnxProto.onnx.ModelProto;
export type OnnxNode = onnxProto.onnx.INodeProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;

/** The opset medcnn writes (ONNX 1.12, 2022; every current runtime reads it) and the IR version that goes with it. */
export const OPSET = 17;
export const IR_VERSION = 8;

/** ONNX TensorProto data types medcnn reads or writes. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** A number from a protobuf int64 (protobufjs gives Long objects or numbers). */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes an ONNX file's bytes; a file that is not one (truncated, another format) is a clear error. */
export function decodeOnnx(bytes: Uint8Array, where: string): OnnxModel {
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new MedcnnError(
      `${where} is not a readable ONNX model (${(e as Error).message}): the file is truncated or damaged, or not ONNX. Export it again.`,
      `${where} は読める ONNX モデルではありません（${(e as Error).message}）。ファイルが途中で切れているか壊れているか、ONNX ではありません。エクスポートし直してください。`,
    );
  }
  if (!model.graph?.node?.length)
    throw new MedcnnError(
      `${where} holds no ONNX graph (no nodes): it is truncated, damaged or not an ONNX model.`,
      `${where} には ONNX のグラフ（ノード）がありません。途中で切れているか壊れているか、ONNX モデルではありません。`,
    );
  return model;
}

/** A float32 ONNX initializer from its values and dimensions (raw little-endian bytes, as exporters write them). */
export function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  return {
    name,
    dims,
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** An int64 ONNX initializer (shapes, pads; `dims` [] for a scalar such as a Gather index). */
export function int64Tensor(name: string, values: number[], dims: number[] = [values.length]): OnnxTensor {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims, dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

/** An ONNX tensor's values as numbers (float, double, int32 or int64; raw bytes or typed fields). */
export function tensorValues(t: OnnxTensor): Float32Array {
  const raw = t.rawData;
  const type = t.dataType ?? 0;
  if (raw?.length) {
    // A copy, aligned (protobufjs hands out views into the file's buffer).
    const bytes = new Uint8Array(raw);
    if (type === DataType.FLOAT) return new Float32Array(bytes.buffer);
    if (type === DataType.DOUBLE) return Float32Array.from(new Float64Array(bytes.buffer));
    if (type === DataType.INT32) return Float32Array.from(new Int32Array(bytes.buffer));
    if (type === DataType.INT64) return Float32Array.from(new BigInt64Array(bytes.buffer), (v) => Number(v));
  } else {
    if (type === DataType.FLOAT) return Float32Array.from(t.floatData ?? []);
    if (type === DataType.DOUBLE) return Float32Array.from(t.doubleData ?? []);
    if (type === DataType.INT32) return Float32Array.from(t.int32Data ?? []);
    if (type === DataType.INT64) return Float32Array.from(t.int64Data ?? [], (v) => toNumber(v));
  }
  throw new MedcnnError(
    `ONNX tensor '${t.name}' has data type ${type}, which medcnn cannot read (it reads float, double, int32 and int64).`,
    `ONNX テンソル '${t.name}' のデータ型 ${type} は medcnn では読めません（読めるのは float、double、int32、int64 です）。`,
  );
}
