import { MedcnnError } from '../../errors.js';

/** One ONNX model loaded in ONNX Runtime (onnxruntime-node, CPU). */
export interface OnnxSession {
  /** Runs the model on one float32 input; every output's values by name. */
  run(input: Float32Array, shape: number[]): Promise<Record<string, Float32Array>>;
  inputNames: readonly string[];
  outputNames: readonly string[];
  release(): Promise<void>;
}

/** Opens an ONNX model (its bytes) in onnxruntime-node, loaded only when needed (a native module of its own). */
export async function openOnnxSession(bytes: Uint8Array, opts: { threads?: number } = {}): Promise<OnnxSession> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    throw new MedcnnError(
      `ONNX Runtime (onnxruntime-node) cannot be loaded: ${(e as Error).message}. Run npm ci again.`,
      `ONNX Runtime（onnxruntime-node）を読み込めません: ${(e as Error).message}。npm ci をやり直してください。`,
    );
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (e) {
    throw new MedcnnError(
      `ONNX Runtime refuses the model: ${(e as Error).message}`,
      `ONNX Runtime がモデルを受け付けません: ${(e as Error).message}`,
    );
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(input, shape) {
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, shape) };
      const results = await session.run(feeds);
      return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.data as Float32Array]));
    },
    release: () => session.release(),
  };
}
