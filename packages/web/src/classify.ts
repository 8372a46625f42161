import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { decideClasses, gradCam, normalizePixels, probabilities, type GradCamResult } from 'medcnn/browser';
import { drawHeat, drawPixels } from './draw';
import { lang, t } from './i18n';
import type { ChosenImage } from './image';
import type { RunInfo } from './run';

export interface Classification {
  /** As `medcnn predict` computes them: model.apply in inference mode, then softmax (or sigmoid per label). */
  probabilities: number[];
  cam: GradCamResult;
}

/** The model's input tensor for an image: normalised exactly as in training. */
export function inputTensor(info: RunInfo, image: ChosenImage): tf.Tensor4D {
  const [h, w, c] = info.inputShape;
  return tf.tensor4d(normalizePixels(image.pixels, info.normalization), [1, h, w, c]);
}

export function classify(model: tfl.LayersModel, info: RunInfo, image: ChosenImage): Classification {
  const x = inputTensor(info, image);
  try {
    const probs = tf.tidy(
      () =>
        probabilities(
          info.task,
          model.apply(x, { training: false }) as tf.Tensor,
          info.temperature,
        ).arraySync() as number[][],
    );
    // The run's decision (its validation-chosen threshold), as `medcnn predict` makes it.
    const decide = (p: number[]): number =>
      decideClasses(info.task, p, info.threshold, info.positiveClass)[0] ?? p.indexOf(Math.max(...p));
    return { probabilities: probs[0], cam: gradCam(model, x, info.task, { temperature: info.temperature, decide }) };
  } finally {
    x.dispose();
  }
}

/** The class probabilities as labelled bars, most probable first marked. */
export function renderProbabilities(list: HTMLOListElement, info: RunInfo, result: Classification): void {
  const best = result.cam.classIndices[0];
  list.replaceChildren(
    ...result.probabilities.map((p, i) => {
      const li = document.createElement('li');
      li.dataset.class = String(i);
      li.dataset.value = String(p);
      if (i === best) li.classList.add('best');
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = info.labels[i][lang()];
      const bar = document.createElement('meter');
      bar.min = 0;
      bar.max = 1;
      bar.value = p;
      bar.setAttribute('aria-label', info.labels[i][lang()]);
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = `${(p * 100).toFixed(2)} %`;
      li.append(label, bar, value);
      return li;
    }),
  );
}

/** The image with its Grad-CAM heat map on a canvas above it (its opacity is the slider's). */
export function renderCam(
  imageCanvas: HTMLCanvasElement,
  heatCanvas: HTMLCanvasElement,
  caption: HTMLElement,
  info: RunInfo,
  image: ChosenImage,
  result: Classification,
): void {
  const [h, w, c] = info.inputShape;
  drawPixels(imageCanvas, image.pixels, h, w, c);
  const cam = result.cam;
  const label = info.labels[cam.classIndices[0]][lang()];
  const shown = drawHeat(heatCanvas, cam.maps[0], cam.height, cam.width);
  heatCanvas.setAttribute('aria-label', t('gradcam'));
  caption.textContent = shown
    ? t('camCaption', { label, layer: cam.layer, h: cam.height, w: cam.width })
    : t('camZero', { label, layer: cam.layer });
}
