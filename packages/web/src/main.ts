import type * as tfl from '@tensorflow/tfjs-layers';
import { AnatomyView } from './anatomy';
import { classify, renderCam, renderProbabilities, type Classification } from './classify';
import { startEngine } from './engine';
import { lang, PageError, setLang, t, type Lang } from './i18n';
import { readImage, type ChosenImage } from './image';
import { fetchRun, fetchSamples, loadRunModel, type RunInfo, type Sample } from './run';
import { renderRunPanel } from './run-panel';
import './style.css';

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector<T>(sel)!;

interface PageState {
  info: RunInfo;
  model: tfl.LayersModel;
  backend: string;
  anatomy: AnatomyView;
  samples: Sample[];
  samplesReason: string | null;
  image: ChosenImage | null;
  result: Classification | null;
}
let state: PageState | null = null;

/** Shows a message in the page (never a blank screen); null hides it. */
function showMessage(error: unknown): void {
  const box = $('#message');
  if (error === null) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent =
    error instanceof PageError
      ? error.localized()
      : t('errCompute', { detail: (error as Error).message ?? String(error) });
}

/** Everything drawn from data, in the current language. */
function renderAll(): void {
  if (!state) return;
  const { info } = state;
  renderRunPanel(info, state.backend);
  $('#engine').textContent = t('engine', { backend: state.backend });
  const select = $<HTMLSelectElement>('#sample');
  const chosen = select.value;
  const options = [
    new Option(state.samples.length ? t('sampleChoose') : t('noSamples', { reason: state.samplesReason ?? '' }), ''),
  ];
  for (const s of state.samples) {
    const names =
      info.labels.length === s.labels.length && s.labels.length > 1
        ? s.labels
            .map((v, k) => (v ? info.labels[k][lang()] : ''))
            .filter(Boolean)
            .join(', ') || '—'
        : (info.labels[s.labels[0]]?.[lang()] ?? String(s.labels[0]));
    options.push(new Option(t('sampleOption', { index: s.index, label: names }), String(s.index)));
  }
  select.replaceChildren(...options);
  select.value = chosen;
  state.anatomy.relabel();
  if (state.image) {
    const [h, w] = info.inputShape;
    $('#image-name').textContent = t('imageName', {
      name: state.image.name,
      width: state.image.width,
      height: state.image.height,
      h,
      w,
    });
  }
  if (state.image && state.result) {
    renderProbabilities($<HTMLOListElement>('#probs'), info, state.result);
    renderCam(
      $<HTMLCanvasElement>('#cam-image'),
      $<HTMLCanvasElement>('#cam-heat'),
      $('#cam-caption'),
      info,
      state.image,
      state.result,
    );
  }
}

/** Classifies an image (a file the user chose or a test image) and shows everything about it. */
async function useImage(blob: Blob, name: string): Promise<void> {
  if (!state) return;
  document.body.dataset.busy = 'true';
  try {
    const [h, w, c] = state.info.inputShape;
    const image = await readImage(blob, name, h, w, c, state.info.fit);
    const result = classify(state.model, state.info, image);
    state.image = image;
    state.result = result;
    showMessage(null);
    $('#probs-hint').hidden = true;
    state.anatomy.setImage(image);
    renderAll();
    document.body.dataset.classified = String(Number(document.body.dataset.classified ?? 0) + 1);
  } catch (e) {
    showMessage(e);
  } finally {
    delete document.body.dataset.busy;
  }
}

function wireInputs(): void {
  const file = $<HTMLInputElement>('#file');
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f) void useImage(f, f.name);
    file.value = '';
  });
  const drop = $('#drop');
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const f = ev.dataTransfer?.files[0];
    if (f) void useImage(f, f.name);
  });
  const sample = $<HTMLSelectElement>('#sample');
  sample.addEventListener('change', async () => {
    if (!sample.value) return;
    try {
      const res = await fetch(`./api/samples/${sample.value}.png`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await useImage(await res.blob(), `test #${sample.value}.png`);
    } catch (e) {
      showMessage(new PageError('errSample', { detail: (e as Error).message }));
    }
  });
  const opacity = $<HTMLInputElement>('#opacity');
  const applyOpacity = (): void => {
    $('#cam-heat').style.opacity = String(Number(opacity.value) / 100);
  };
  opacity.addEventListener('input', applyOpacity);
  applyOpacity();
}

/** Tabs after the WAI-ARIA pattern: click, or the arrow keys between them. */
function wireTabs(): void {
  const tabs = [$<HTMLButtonElement>('#tab-classify'), $<HTMLButtonElement>('#tab-anatomy')];
  const select = (chosen: HTMLButtonElement): void => {
    for (const tab of tabs) {
      const on = tab === chosen;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      $(`#${tab.getAttribute('aria-controls')}`).hidden = !on;
    }
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
      const next = tabs[(i + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      select(next);
      next.focus();
    });
  });
}

function wireLanguage(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    b.addEventListener('click', () => {
      setLang(b.dataset.lang as Lang);
      const url = new URL(location.href);
      url.searchParams.set('lang', lang());
      history.replaceState(null, '', url);
      renderAll();
      if (document.body.dataset.state === 'loading') $('#probs-hint').textContent = t('loading');
    });
  }
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  setLang(params.get('lang') === 'ja' || (!params.get('lang') && navigator.language.startsWith('ja')) ? 'ja' : 'en');
  wireTabs();
  wireLanguage();
  wireInputs();
  $('#probs-hint').textContent = t('loading');
  try {
    const info = await fetchRun();
    let backend: string;
    try {
      backend = await startEngine(params.get('backend'));
    } catch (e) {
      throw new PageError('errEngine', { detail: (e as Error).message });
    }
    const model = await loadRunModel(info);
    const { samples, reason } = await fetchSamples().catch((e: Error) => ({
      samples: [] as Sample[],
      reason: e.message,
    }));
    state = {
      info,
      model,
      backend,
      anatomy: new AnatomyView(info, model),
      samples,
      samplesReason: reason,
      image: null,
      result: null,
    };
    $('#probs-hint').textContent = t('predictionHint');
    renderAll();
    document.body.dataset.state = 'ready';
  } catch (e) {
    showMessage(e);
    $('#probs-hint').textContent = '';
    document.body.dataset.state = 'error';
  }
}

void boot();
