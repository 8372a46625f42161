import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor, range } from '../data/batch.js';
import { isMultiLabel } from '../data/dataset-info.js';
import { MedcnnError } from '../errors.js';
import { readModelFiles } from '../models/index.js';
import { layersModelToOnnx, ONNX_IO, openOnnxSession } from '../models/onnx/index.js';
import { type RunConfig, RunFolder } from '../runfolder/index.js';
import { probabilities } from '../train/loss.js';
import { writeFileAtomic } from '../util/atomic.js';
import { loadRunData } from './data.js';
import { MEDCNN_VERSION } from './train.js';

export type ExportFormat = 'onnx' | 'tfjs';

/** Largest difference allowed between ONNX Runtime's and TF.js's outputs on the run's test images. */
export const EXPORT_TOLERANCE = 1e-4;

export interface ExportOptions {
  format: ExportFormat;
  /** The file (onnx) or folder (tfjs) to write; default beside the run: RUN.onnx or RUN-tfjs/. */
  out?: string;
  overwrite?: boolean;
  /** Data root of the test images the ONNX file is checked on. */
  root?: string;
  /** How many test images to check (default 64). */
  checkImages?: number;
  threads?: number;
  /** The largest difference accepted (default EXPORT_TOLERANCE). */
  tolerance?: number;
}

export interface ExportResult {
  format: ExportFormat;
  out: string;
  bytes: number;
  /** ONNX: how many test images were run through both engines, and the largest difference of any output. */
  checked?: { images: number; maxDifference: number };
}

/** What a deployer needs besides the weights: the input, its preprocessing and how to read the outputs. */
export function deploymentMetadata(config: RunConfig, dir: string): Record<string, string> {
  const [h, w, c] = config.inputShape;
  const { mean, std } = config.normalization;
  const meta: Record<string, string> = {
    'medcnn.version': MEDCNN_VERSION,
    'medcnn.run': path.basename(path.resolve(dir)),
    dataset: config.dataset,
    model: config.model,
    task: config.task,
    input: `${ONNX_IO.input}: float32 [batch, ${h}, ${w}, ${c}], NHWC (channels last)`,
    input_size: `${h},${w},${c}`,
    preprocessing: `x = (v / 255 - ${mean}) / ${std} for 8-bit pixel values v${c === 1 ? ', grayscale' : ', RGB'}; images resized to ${h}×${w} (${config.source?.fit ?? 'stretch'})`,
    'normalization.mean': String(mean),
    'normalization.std': String(std),
    outputs: `${ONNX_IO.logits}: float32 [batch, classes]; ${ONNX_IO.probabilities}: ${isMultiLabel(config.task) ? 'sigmoid per label' : 'softmax'} of logits / temperature`,
    class_names: JSON.stringify(config.labels.map((l) => l.en)),
    class_names_ja: JSON.stringify(config.labels.map((l) => l.ja)),
    temperature: String(config.temperature ?? 1),
    temperature_in_graph:
      config.temperature && config.temperature !== 1 ? 'yes: a Div node before the probabilities' : 'no (1)',
  };
  if (config.task === 'binary-class') meta.positive_class = String(config.positiveClass ?? 1);
  if (config.operatingPoint) {
    meta.threshold = JSON.stringify(config.operatingPoint.threshold);
    meta.threshold_rule = `${config.operatingPoint.rule}, chosen on the validation set; applies to probabilities${config.task === 'binary-class' ? ' of the positive class' : ''}`;
  } else meta.threshold = 'none (the most probable class)';
  return meta;
}

/** Exports a run's kept model: ONNX (checked against TF.js in ONNX Runtime) or the TF.js layers files. */
export async function exportRun(dir: string, opts: ExportOptions): Promise<ExportResult> {
  const run = RunFolder.open(dir);
  const base = path.resolve(dir).replace(/[/\\]+$/, '');
  const out = path.resolve(opts.out ?? (opts.format === 'onnx' ? `${base}.onnx` : `${base}-tfjs`));
  if (fs.existsSync(out) && !opts.overwrite)
    throw new MedcnnError(
      `${out} already exists; pass --overwrite to replace it, or --out another path.`,
      `${out} はすでにあります。置き換えるには --overwrite を、別の場所に書くには --out を指定してください。`,
    );
  const metadata = deploymentMetadata(run.config, dir);
  if (opts.format === 'tfjs') return exportTfjs(run, out, metadata);

  const model = await run.loadModel('kept');
  try {
    const { config } = run;
    const bytes = layersModelToOnnx(model, {
      multiLabel: isMultiLabel(config.task),
      temperature: config.temperature,
      metadata,
      docString: `${config.model} trained by medcnn on ${config.dataset}. Input ${metadata.input}; ${metadata.preprocessing}. Outputs ${metadata.outputs}.`,
    });
    // Checked before it is written: a file that disagrees with the model it came from never appears.
    const [test] = await loadRunData(run, ['test'], opts.root);
    const n = Math.min(opts.checkImages ?? 64, test.count);
    const x = imagesToTensor(test, range(0, n), config.normalization);
    const expected = tf.tidy(() => {
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      return {
        [ONNX_IO.logits]: logits.dataSync() as Float32Array,
        [ONNX_IO.probabilities]: probabilities(config.task, logits, config.temperature).dataSync() as Float32Array,
      };
    });
    const input = x.dataSync() as Float32Array;
    const shape = x.shape;
    x.dispose();
    const session = await openOnnxSession(bytes, { threads: opts.threads });
    let got: Record<string, Float32Array>;
    try {
      got = await session.run(input, shape);
    } finally {
      await session.release();
    }
    let maxDifference = 0;
    for (const [name, want] of Object.entries(expected)) {
      const have = got[name];
      for (let i = 0; i < want.length; i++) {
        // Absolute below 1, relative above: a logit of 300 agrees to float32's precision, not to 1e-4.
        const d = Math.abs(have[i] - want[i]) / Math.max(1, Math.abs(want[i]));
        if (!(d <= maxDifference)) maxDifference = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      }
    }
    const tolerance = opts.tolerance ?? EXPORT_TOLERANCE;
    if (!(maxDifference <= tolerance)) {
      throw new MedcnnError(
        `The ONNX model disagrees with the TF.js model on ${n} test images (largest difference ${maxDifference.toExponential(2)} > ${tolerance}); nothing was written. Please report this as a medcnn bug, with the run's config.json.`,
        `ONNX モデルの出力がテスト画像 ${n} 枚で TF.js モデルと一致しません（最大差 ${maxDifference.toExponential(2)} > ${tolerance}）。何も書き出していません。run の config.json を添えて medcnn の不具合として報告してください。`,
      );
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    writeFileAtomic(out, bytes);
    return { format: 'onnx', out, bytes: bytes.byteLength, checked: { images: n, maxDifference } };
  } finally {
    model.dispose();
  }
}

/** The kept model's TF.js layers files as they are, with the deployment metadata beside them (medcnn.json). */
function exportTfjs(run: RunFolder, out: string, metadata: Record<string, string>): ExportResult {
  const files = readModelFiles(run.modelDir('kept'));
  const tmp = `${out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    let bytes = 0;
    for (const f of [{ name: 'model.json', file: files.jsonPath }, ...files.weightPaths]) {
      const target = path.join(tmp, f.name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(f.file, target);
      bytes += fs.statSync(target).size;
    }
    fs.writeFileSync(path.join(tmp, 'medcnn.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
    return { format: 'tfjs', out, bytes };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
