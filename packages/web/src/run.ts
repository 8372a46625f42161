import * as tfl from '@tensorflow/tfjs-layers';
import type { Fit, Normalization, Task } from 'medcnn/browser';
import { PageError } from './i18n';

/** What `medcnn serve` says about its run (GET api/run.json). */
export interface RunInfo {
  run: string;
  dataset: string;
  size: number;
  model: string;
  task: Task;
  labels: { en: string; ja: string }[];
  inputShape: [number, number, number];
  normalization: Normalization;
  /** How images are brought to the model's size (the run's --fit; MedMNIST runs stretch). */
  fit?: Fit;
  backbone: string | null;
  metrics: { test?: TestMetrics } | null;
  history: { epoch: number; trainLoss: number; valLoss: number; valAcc: number; valAuc: number }[];
  /** The run's fitted temperature (absent: 1) and the threshold(s) it chose on validation, as predict uses them. */
  temperature?: number;
  threshold?: number | number[];
  positiveClass?: number;
}

export interface TestMetrics {
  acc: number;
  auc: number;
  count: number;
  clinical?: { sensitivity: number; specificity: number; ci95: { accuracy: [number, number]; auc: [number, number] } };
}

export interface Sample {
  index: number;
  labels: number[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function fetchRun(): Promise<RunInfo> {
  try {
    return await getJson<RunInfo>('./api/run.json');
  } catch (e) {
    throw new PageError('errRun', { detail: (e as Error).message });
  }
}

export async function fetchSamples(): Promise<{ samples: Sample[]; reason: string | null }> {
  return getJson('./api/samples.json');
}

/** The run's kept model, checked against the input the run says it takes. */
export async function loadRunModel(info: RunInfo): Promise<tfl.LayersModel> {
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel('./model/model.json');
  } catch (e) {
    throw new PageError('errModel', { detail: (e as Error).message });
  }
  const shape = model.inputs[0].shape.slice(1);
  if (shape.join() !== info.inputShape.join()) {
    model.dispose();
    throw new PageError('errModel', {
      detail: `the model takes ${shape.join('×')}, the run says ${info.inputShape.join('×')}`,
    });
  }
  return model;
}
