/**
 * The bench page: one exported model on one batch of test images, run by TF.js through the page's own engine
 * start (src/engine.ts) and by ONNX Runtime Web (wasm). Driven by ../web-onnx.ts through `window.benchEngines`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import 'medcnn/browser';
import * as ort from 'onnxruntime-web/wasm';
import { startEngine } from '../../src/engine';

export interface BenchRequest {
  /** Folder names under ./models/: each holds model.json, weights.bin and model.onnx. */
  models: string[];
  /** TF.js backends to try, as the page names them; null: the page's own choice (WebGL, else wasm, else JS). */
  backend: string | null;
  threads: number;
  images: number;
  side: number;
  channels: number;
  batch: number;
  rounds: number;
}

export interface EngineFigure {
  imagesPerSecond: number[];
}

export interface BenchResult {
  model: string;
  tfjsBackend: string;
  tfjs: EngineFigure;
  ort: EngineFigure;
  /** The largest |TF.js − ONNX Runtime Web| over every logit of every image. */
  maxAbsDifference: number;
}

async function runBench(req: BenchRequest): Promise<{ results: BenchResult[]; crossOriginIsolated: boolean }> {
  // Both engines get the same number of wasm threads (threads need the page to be cross-origin isolated).
  setThreadsCount(req.threads);
  const backend = await startEngine(req.backend);
  ort.env.wasm.numThreads = req.threads;
  ort.env.wasm.wasmPaths = new URL('./ort-wasm/', document.baseURI).href;

  const bytes = new Uint8Array(await (await fetch('./images.bin')).arrayBuffer());
  const all = new Float32Array(bytes.buffer);
  const per = req.side * req.side * req.channels;
  const batches: { data: Float32Array; n: number }[] = [];
  for (let i = 0; i < req.images; i += req.batch) {
    const n = Math.min(req.batch, req.images - i);
    batches.push({ data: all.subarray(i * per, (i + n) * per), n });
  }
  const shape = (n: number) => [n, req.side, req.side, req.channels];

  const results: BenchResult[] = [];
  for (const name of req.models) {
    const model = await tfl.loadLayersModel(`./models/${name}/model.json`);
    const session = await ort.InferenceSession.create(`./models/${name}/model.onnx`, {
      executionProviders: ['wasm'],
    });
    const tfjsPass = async (): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (const b of batches) {
        const y = tf.tidy(
          () => model.predict(tf.tensor4d(b.data, shape(b.n) as [number, number, number, number])) as tf.Tensor,
        );
        out.push((await y.data()) as Float32Array);
        y.dispose();
      }
      return out;
    };
    const ortPass = async (): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (const b of batches) {
        const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', b.data, shape(b.n)) };
        const r = await session.run(feeds);
        out.push(r.logits.data as Float32Array);
        for (const t of Object.values(r)) t.dispose();
      }
      return out;
    };
    // One pass each to warm up (kernels compiled, memory allocated); its outputs are the ones compared.
    const a = await tfjsPass();
    const b = await ortPass();
    let maxAbsDifference = 0;
    a.forEach((v, i) => {
      for (let k = 0; k < v.length; k++) maxAbsDifference = Math.max(maxAbsDifference, Math.abs(v[k] - b[i][k]));
    });
    const figures = { tfjs: { imagesPerSecond: [] as number[] }, ort: { imagesPerSecond: [] as number[] } };
    for (let r = 0; r < req.rounds; r++) {
      // Each round both engines back to back, taking turns going first (the machine is shared).
      const order = r % 2 === 0 ? (['tfjs', 'ort'] as const) : (['ort', 'tfjs'] as const);
      for (const engine of order) {
        const t = performance.now();
        await (engine === 'tfjs' ? tfjsPass() : ortPass());
        figures[engine].imagesPerSecond.push(req.images / ((performance.now() - t) / 1000));
      }
    }
    results.push({ model: name, tfjsBackend: backend, ...figures, maxAbsDifference });
    model.dispose();
    await session.release();
  }
  return { results, crossOriginIsolated: self.crossOriginIsolated };
}

declare global {
  interface Window {
    benchEngines: typeof runBench;
  }
}
window.benchEngines = runBench;
document.body.dataset.state = 'ready';
