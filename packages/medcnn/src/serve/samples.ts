import { imageCanvas } from '../report/plots.js';
import type { SplitData } from '../data/load.js';
import { loadRunData } from '../run/data.js';
import type { RunFolder } from '../runfolder/index.js';

/** A test image the page can offer: its index in the test split, its true label, and the PNG. */
export interface SampleImage {
  index: number;
  labels: number[];
  png: Buffer;
}

/** The offered test images, or why there are none (the data file is missing). */
export interface SampleSet {
  items: SampleImage[];
  reason: string | null;
}

/** Up to `perClass` test images of each class (the first ones in the split), as PNGs of their own pixels. */
export async function sampleImages(run: RunFolder, root?: string, perClass = 6): Promise<SampleSet> {
  const { config } = run;
  let test: SplitData;
  try {
    [test] = await loadRunData(run, ['test'], root);
  } catch (e) {
    return { items: [], reason: (e as Error).message };
  }
  const items: SampleImage[] = [];
  const taken = new Map<number, number>();
  for (let i = 0; i < test.count && items.length < perClass * config.labels.length; i++) {
    const labels = Array.from(test.labels.subarray(i * test.labelWidth, (i + 1) * test.labelWidth));
    // Multi-label rows are grouped by their first positive label (or none).
    const key = test.labelWidth === 1 ? labels[0] : labels.indexOf(1);
    if ((taken.get(key) ?? 0) >= perClass) continue;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    items.push({ index: i, labels, png: imageCanvas(test, i).toBuffer('image/png') });
  }
  return { items, reason: null };
}
