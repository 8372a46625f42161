import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import type { SplitData } from '../src/data/load.js';
import { loadOwnData, type OwnDataOptions } from '../src/data/own.js';
import { decodeFitted, decodeImage, toModelChannels } from '../src/data/decode.js';
import { fitPixels } from '../src/data/pixels.js';
import { makeSplits } from '../src/data/splits.js';
import { assertUserError, head, medcnn, pneumonia, tempDir, writeMedmnistNpz } from './helpers.js';

let work = '';
let cache = '';
let small: SplitData[] = [];
const N = { train: 240, val: 60, test: 60 };

/** Writes splits as image files DIR/{train,val,test}/{normal,pneumonia}/NNNNN.ext, numbered by their row. */
async function writeFolder(
  dir: string,
  splits: SplitData[],
  encode: (img: Sharp) => Sharp,
  ext: string,
  sixteen = false,
) {
  for (const s of splits) {
    for (const c of ['normal', 'pneumonia']) fs.mkdirSync(path.join(dir, s.split, c), { recursive: true });
    for (let i = 0; i < s.count; i++) {
      const px = s.images.subarray(i * 784, (i + 1) * 784);
      const raw = sixteen ? Uint16Array.from(px, (v) => v * 257) : Buffer.from(px);
      const img = sharp(raw, { raw: { width: 28, height: 28, channels: 1 } });
      const base = path.join(dir, s.split, s.labels[i] ? 'pneumonia' : 'normal', String(i).padStart(5, '0'));
      await (sixteen ? img.toColourspace('grey16') : img.toColourspace('b-w')).png().toFile(`${base}.png`);
      if (ext === 'png') continue;
      await encode(sharp(`${base}.png`).toColourspace('b-w')).toFile(`${base}.${ext}`);
      fs.rmSync(`${base}.png`);
    }
  }
}

const options = (source: string, extra: Partial<OwnDataOptions> = {}): OwnDataOptions => ({
  source,
  prep: { size: 28, fit: 'pad', dicom: {} },
  onBadFile: 'error',
  seed: 42,
  progress: false,
  log: () => {},
  ...extra,
});

before(async () => {
  work = tempDir('medcnn-own-');
  cache = path.join(work, 'cache');
  process.env.MEDCNN_CACHE = cache;
  const [tr, va, te] = pneumonia();
  small = [head(tr, N.train), head(va, N.val), head(te, N.test)];
  await writeFolder(path.join(work, 'png'), small, (s) => s, 'png');
});

test('a folder of PNGs reads back as the very arrays it was written from, in the npz order', async () => {
  const own = await loadOwnData(options(path.join(work, 'png')));
  assert.deepEqual(own.classes, ['normal', 'pneumonia']);
  assert.equal(own.task, 'binary-class');
  assert.equal(own.channels, 1);
  assert.equal(own.splitOrigin, 'data');
  for (const [k, s] of [own.train, own.val, own.test].entries()) {
    assert.equal(s.count, small[k].count);
    assert.deepEqual(s.images, small[k].images, `${s.split} pixels`);
    assert.deepEqual(s.labels, small[k].labels, `${s.split} labels`);
  }
  assert.equal(own.rows.length, N.train + N.val + N.test);
  assert.ok(
    fs.readdirSync(cache).some((f) => f.endsWith('.pack')),
    'decoded images are cached',
  );
  // Read again: every image from the cache, whose pack is reordered in place into the splits' arrays.
  const again = await loadOwnData(options(path.join(work, 'png')));
  for (const [k, s] of [again.train, again.val, again.test].entries()) {
    assert.deepEqual(s.images, small[k].images, `${s.split} pixels from the cache`);
    assert.deepEqual(s.labels, small[k].labels, `${s.split} labels from the cache`);
  }
});

test("the decode cache: rewritten in the splits' order, then read as views of one pack; any order reads back the same", async () => {
  // Class folders without split folders: the seed decides the splits, so two seeds lay the images out differently.
  const parent = path.join(work, 'unsplit');
  await writeFolder(parent, [head(small[0], 90)], (s) => s, 'png');
  const dir = path.join(parent, 'train');
  const read = (seed: number) => loadOwnData(options(dir, { seed }));
  const arrays = (o: Awaited<ReturnType<typeof read>>) => [o.train, o.val, o.test].map((s) => Array.from(s.images));
  process.env.MEDCNN_CACHE = 'off';
  const expected = [await read(1), await read(2)].map(arrays);
  process.env.MEDCNN_CACHE = path.join(work, 'cache-order');
  try {
    const pack = () => {
      const dirents = fs.readdirSync(process.env.MEDCNN_CACHE!).filter((f) => f.endsWith('.pack'));
      assert.equal(dirents.length, 1, 'one pack for the folder');
      return fs.statSync(path.join(process.env.MEDCNN_CACHE!, dirents[0]));
    };
    for (const [k, seed] of [1, 2].entries()) {
      assert.deepEqual(arrays(await read(seed)), expected[k], `seed ${seed}: decoded`);
      const written = pack();
      const again = await read(seed);
      assert.deepEqual(arrays(again), expected[k], `seed ${seed}: from the cache`);
      assert.ok(
        again.train.images.buffer === again.val.images.buffer && again.val.images.buffer === again.test.images.buffer,
        'the splits are views of the one pack',
      );
      assert.equal(pack().ino, written.ino, 'a pack already in order is not written again');
      // The arrays may be written to: the pack on disk stays as it was.
      again.train.images.fill(255);
      assert.deepEqual(arrays(await read(seed)), expected[k], `seed ${seed}: the pack unchanged by writes`);
    }
  } finally {
    process.env.MEDCNN_CACHE = cache;
  }
});

test('16-bit PNGs and JPEGs of the same X-rays: exact, and within JPEG rounding', async () => {
  const sixteen = path.join(work, 'png16');
  await writeFolder(
    sixteen,
    small.map((s) => head(s, 20)),
    (s) => s,
    'png',
    true,
  );
  const meta = await sharp(path.join(sixteen, 'train', 'pneumonia', '00000.png')).metadata();
  assert.equal(meta.depth, 'ushort', 'the test wrote a 16-bit PNG');
  const own16 = await loadOwnData(options(sixteen));
  assert.deepEqual(own16.train.images, head(small[0], 20).images);
  const jpegs = path.join(work, 'jpeg');
  await writeFolder(
    jpegs,
    small.map((s) => head(s, 20)),
    (s) => s.jpeg({ quality: 100 }),
    'jpg',
  );
  const ownJ = await loadOwnData(options(jpegs));
  const src = head(small[0], 20).images;
  let worst = 0;
  for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(ownJ.train.images[i] - src[i]));
  assert.ok(worst > 0 && worst <= 4, `JPEG q100 differs from its source by at most 4 levels (got ${worst})`);
});

test('fit: pad keeps the aspect ratio with black borders, crop cuts the centre, stretch fills', () => {
  // A 4×2 white image with a black right half, to 4×4.
  const data = Uint8Array.from([255, 255, 0, 0, 255, 255, 0, 0]);
  const r = { width: 4, height: 2, channels: 1 as const, data, maxValue: 255 };
  assert.deepEqual([...fitPixels(r, 4, 4, 1, 'pad')], [0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...fitPixels(r, 2, 2, 1, 'crop')], [255, 0, 255, 0]);
  assert.deepEqual(
    [...fitPixels(r, 4, 4, 1, 'stretch')],
    [255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0],
  );
  // Colour to gray (ITU-R 601 luma), gray repeated for 3-channel models.
  const red = { width: 1, height: 1, channels: 3 as const, data: [255, 0, 0], maxValue: 255 };
  assert.deepEqual([...fitPixels(red, 1, 1, 1)], [76]);
  assert.deepEqual([...fitPixels(r, 4, 2, 3, 'stretch').subarray(3, 9)], [255, 255, 255, 0, 0, 0]);
});

test('fit in Node (libvips): the same pad, crop and stretch; colour to 601 luma; the page within about a gray level', async () => {
  const png = (data: number[], width: number, height: number, channels: 1 | 3) =>
    sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();
  const half = await png([255, 255, 0, 0, 255, 255, 0, 0], 4, 2, 1);
  const fitted = async (bytes: Buffer, width: number, height: number, fit: 'pad' | 'crop' | 'stretch') => [
    ...(await decodeFitted(bytes, { width, height, fit })).pixels,
  ];
  assert.deepEqual(await fitted(half, 4, 4, 'pad'), [0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(await fitted(half, 2, 2, 'crop'), [255, 0, 255, 0]);
  // Enlarged (here along y): fitPixels, as on the page.
  assert.deepEqual(
    await fitted(half, 4, 4, 'stretch'),
    [255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0],
  );
  const x28 = await png([...small[2].images.subarray(0, 784)], 28, 28, 1);
  const page = fitPixels((await decodeImage(x28)).raster, 64, 64, 1, 'pad');
  assert.deepEqual(await fitted(x28, 64, 64, 'pad'), [...page]);
  const red = await decodeFitted(await png([255, 0, 0], 1, 1, 3), { width: 1, height: 1, fit: 'stretch' });
  assert.equal(red.channels, 3);
  assert.deepEqual([...toModelChannels(red.pixels, red.channels, 1)], [76]);
  const grayRgb = await decodeFitted(await png([9, 9, 9, 200, 200, 200], 2, 1, 3), { width: 2, height: 1, fit: 'pad' });
  assert.deepEqual([grayRgb.channels, ...grayRgb.pixels], [1, 9, 200], 'an RGB image that is gray is one channel');
  // Real X-rays as the bench has them (1024×1024 JPEGs with film grain) and a non-square PNG: Node's libvips and
  // the page's TypeScript twin (fitPixels over the full decoded image) differ by about one gray level.
  const [, , testSplit] = small;
  let sum = 0;
  let count = 0;
  let worst = 0;
  for (let i = 0; i < 3; i++) {
    const big = await sharp(Buffer.from(testSplit.images.subarray(i * 784, (i + 1) * 784)), {
      raw: { width: 28, height: 28, channels: 1 },
    })
      .resize(1024, 1024, { kernel: 'cubic' })
      .raw()
      .toBuffer();
    for (let p = 0; p < big.length; p++) big[p] = Math.max(0, Math.min(255, big[p] + ((p * 7919) % 9) - 4));
    const jpeg = await sharp(big, { raw: { width: 1024, height: 1024, channels: 1 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const wide = await sharp(big, { raw: { width: 1024, height: 1024, channels: 1 } })
      .resize(300, 200, { fit: 'fill' })
      .png()
      .toBuffer();
    for (const [bytes, size, fit] of [
      [jpeg, 224, 'pad'],
      [wide, 64, 'pad'],
      [wide, 64, 'crop'],
    ] as const) {
      const node = await decodeFitted(bytes, { width: size, height: size, fit });
      const page = fitPixels((await decodeImage(bytes)).raster, size, size, 1, fit);
      for (let p = 0; p < page.length; p++) {
        const d = Math.abs(node.pixels[p] - page[p]);
        sum += d;
        worst = Math.max(worst, d);
      }
      count += page.length;
    }
  }
  const mean = sum / count;
  assert.ok(mean > 0 && mean < 1.5, `Node and the page differ by ${mean.toFixed(2)} gray levels on average`);
  assert.ok(worst <= 16, `at most 16 levels apart (got ${worst})`);
});

test('splits made here: seeded, stratified, and no patient in two splits', () => {
  const items = Array.from({ length: 400 }, (_, i) => ({ stratum: String(i % 3 === 0 ? 0 : 1), group: `p${i % 97}` }));
  const a = makeSplits(items, { train: 0.7, val: 0.1, test: 0.2 }, 7);
  assert.deepEqual(makeSplits(items, { train: 0.7, val: 0.1, test: 0.2 }, 7), a, 'the same seed, the same splits');
  assert.notDeepEqual(makeSplits(items, { train: 0.7, val: 0.1, test: 0.2 }, 8), a, 'another seed, other splits');
  const byPatient = new Map<string, Set<string>>();
  items.forEach((it, i) => byPatient.set(it.group, (byPatient.get(it.group) ?? new Set()).add(a[i])));
  assert.ok(
    [...byPatient.values()].every((s) => s.size === 1),
    'each patient in one split',
  );
  const count = (s: string) => a.filter((x) => x === s).length;
  assert.ok(
    Math.abs(count('train') - 280) <= 12 && Math.abs(count('test') - 80) <= 12,
    `sizes ${count('train')}/${count('test')}`,
  );
});

test('a CSV manifest with patients: grouped splits in splits.csv, reused by --splits; multi-label rows', async () => {
  const dir = path.join(work, 'csv');
  fs.mkdirSync(path.join(dir, 'img'), { recursive: true });
  const lines = ['path,label,patient'];
  for (let i = 0; i < 120; i++) {
    const f = `img/${i}.png`;
    fs.copyFileSync(
      path.join(work, 'png', 'train', small[0].labels[i] ? 'pneumonia' : 'normal', `${String(i).padStart(5, '0')}.png`),
      path.join(dir, f),
    );
    lines.push(`${f},${small[0].labels[i] ? 'pneumonia' : 'normal'},P${Math.floor(i / 4)}`);
  }
  const csv = path.join(dir, 'manifest.csv');
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  const run = path.join(work, 'csv-run');
  const r = medcnn(['train', '--data', csv, '--size', '32', '--epochs', '1', '--out', run, '--no-progress'], {
    MEDCNN_CACHE: cache,
  });
  assert.equal(r.code, 0, r.err);
  const rows = fs
    .readFileSync(path.join(run, 'splits.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  assert.equal(rows.length, 120);
  const splitOf = new Map<string, Set<string>>();
  for (const [, split, , patient] of rows) splitOf.set(patient, (splitOf.get(patient) ?? new Set()).add(split));
  assert.ok(
    [...splitOf.values()].every((s) => s.size === 1),
    'no patient in two splits',
  );
  assert.deepEqual(new Set(rows.map((r) => r[1])), new Set(['train', 'val', 'test']));
  const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
  assert.deepEqual(
    [config.size, config.source.kind, config.source.splitOrigin, config.source.fit],
    [32, 'csv', 'made', 'pad'],
  );
  // The same splits again from the file, whatever the seed.
  const again = await loadOwnData(
    options(csv, {
      prep: { size: 32, fit: 'pad', dicom: {} },
      seed: 1,
      splits: new Map(rows.map((r) => [r[0], r[1] as 'train'])),
    }),
  );
  assert.equal(again.splitOrigin, 'file');
  assert.deepEqual(again.rows.map((r) => `${r.path}:${r.split}`).sort(), rows.map((r) => `${r[0]}:${r[1]}`).sort());
  // evaluate reads the run's own images again, through its splits.csv.
  const e = medcnn(['evaluate', run, '--split', 'val'], { MEDCNN_CACHE: cache });
  assert.equal(e.code, 0, e.err);
  // Multi-label: labels joined by |.
  const ml = path.join(dir, 'multi.csv');
  fs.writeFileSync(
    ml,
    [
      'path,label',
      'img/0.png,effusion|nodule',
      'img/1.png,nodule',
      'img/2.png,effusion',
      ...Array.from({ length: 20 }, (_, i) => `img/${i + 3}.png,${i % 2 ? 'nodule' : 'effusion'}`),
    ].join('\n'),
  );
  const m = await loadOwnData(options(ml));
  assert.equal(m.task, 'multi-label, binary-class');
  assert.deepEqual(m.classes, ['effusion', 'nodule']);
  assert.equal(m.train.labelWidth, 2);
});

test('bad data: damaged files listed at once, or skipped; empty class, one class, a missing CSV file', async () => {
  const dir = path.join(work, 'bad');
  for (const c of ['a', 'b']) fs.mkdirSync(path.join(dir, c), { recursive: true });
  for (let i = 0; i < 20; i++)
    for (const c of ['a', 'b'])
      fs.copyFileSync(
        path.join(work, 'png', 'train', 'normal', fs.readdirSync(path.join(work, 'png', 'train', 'normal'))[i]),
        path.join(dir, c, `${i}.png`),
      );
  const whole = fs.readFileSync(path.join(dir, 'a', '0.png'));
  fs.writeFileSync(path.join(dir, 'a', 'half.png'), whole.subarray(0, whole.length >> 1));
  fs.writeFileSync(path.join(dir, 'b', 'notes.png'), 'not an image at all');
  fs.writeFileSync(path.join(dir, 'b', 'readme.txt'), 'ignored by its name');
  const out = path.join(work, 'bad-run');
  const r = medcnn(['train', '--data', dir, '--epochs', '1', '--out', out, '--no-progress'], { MEDCNN_CACHE: cache });
  assertUserError(
    r,
    /2 of 42 image\(s\) in .* cannot be used: a\/half\.png: its IDAT chunk is cut short; the file is truncated; b\/notes\.png: it is not a PNG, JPEG or DICOM image\. .*--on-bad-file skip/,
  );
  assert.ok(!fs.existsSync(out), 'no run written');
  const s = medcnn(['train', '--data', dir, '--epochs', '1', '--out', out, '--no-progress', '--on-bad-file', 'skip'], {
    MEDCNN_CACHE: cache,
  });
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /left out 2 image\(s\) that cannot be used/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).source.skipped.length, 2);
  // Identical images in two splits (the folder was copied into both classes): a leakage warning naming them.
  assert.match(s.out, /warning: \d+ image\(s\) have the same content as an image in another split/);
  fs.mkdirSync(path.join(dir, 'c'));
  assertUserError(medcnn(['train', '--data', dir, '--out', out, '--overwrite']), /class folder .*c holds no images/);
  const one = path.join(work, 'one');
  fs.mkdirSync(path.join(one, 'only'), { recursive: true });
  fs.copyFileSync(path.join(dir, 'a', '0.png'), path.join(one, 'only', 'x.png'));
  assertUserError(medcnn(['train', '--data', one]), /has a single class \(only\); a classifier needs at least two/);
  const csv = path.join(work, 'missing.csv');
  fs.writeFileSync(csv, 'path,label\nnowhere.png,a\n');
  assertUserError(
    medcnn(['train', '--data', csv]),
    /row 2: nowhere\.png.*does not exist|1 row\(s\) name a file that does not exist/,
  );
  assertUserError(medcnn(['train', '--fit', 'crop']), /--fit applies to your own images; add --data PATH/);
  assertUserError(medcnn(['train', '--data', dir, '--size', '2000']), /--size must be from 8 to 1024 with --data/);
});

test('done when: training on the PNG folder gives the same metrics as training on the npz', () => {
  const root = tempDir('medcnn-root-');
  writeMedmnistNpz(path.join(root, 'pneumoniamnist.npz'), small);
  const args = ['--epochs', '1', '--batch-size', '32', '--seed', '42', '--no-progress'];
  const a = medcnn([
    'train',
    '--dataset',
    'pneumoniamnist',
    '--root',
    root,
    '--out',
    path.join(work, 'npz-run'),
    ...args,
  ]);
  assert.equal(a.code, 0, a.err);
  const b = medcnn(['train', '--data', path.join(work, 'png'), '--out', path.join(work, 'png-run'), ...args], {
    MEDCNN_CACHE: cache,
  });
  assert.equal(b.code, 0, b.err);
  const metrics = (run: string) => {
    const m = JSON.parse(fs.readFileSync(path.join(work, run, 'metrics.json'), 'utf8'));
    delete m.test.predictionsFile;
    // Folder class names have no Japanese translation (the registry's have): the name is all that may differ.
    delete m.test.positiveClass.name.ja;
    return m;
  };
  assert.deepEqual(metrics('png-run'), metrics('npz-run'));
  // medcnn import → npz (+ sidecar) → train: the same again, without decoding.
  const npz = path.join(work, 'imported.npz');
  const i = medcnn(['import', path.join(work, 'png'), '--size', '28', '--out', npz, '--no-progress'], {
    MEDCNN_CACHE: 'off',
  });
  assert.equal(i.code, 0, i.err);
  assert.match(
    i.out,
    /imported 360 images \(train 240 · val 60 · test 60; normal, pneumonia; binary-class\) at 28×28×1/,
  );
  const side = JSON.parse(fs.readFileSync(path.join(work, 'imported.json'), 'utf8'));
  assert.deepEqual(
    [side.classes, side.files.train[0], side.preprocessing.fit],
    [['normal', 'pneumonia'], 'train/pneumonia/00000.png', 'pad'],
  );
  const c = medcnn(['train', '--data', npz, '--out', path.join(work, 'imported-run'), ...args]);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(metrics('imported-run'), metrics('npz-run'));
  assertUserError(medcnn(['import', path.join(work, 'png'), '--out', npz]), /imported\.npz exists; pass --overwrite/);
  assert.equal(
    fs
      .readFileSync(path.join(work, 'png-run', 'history.csv'), 'utf8')
      .split('\n')[1]
      .split(',')
      .slice(0, 5)
      .join(),
    fs
      .readFileSync(path.join(work, 'npz-run', 'history.csv'), 'utf8')
      .split('\n')[1]
      .split(',')
      .slice(0, 5)
      .join(),
  );
});
