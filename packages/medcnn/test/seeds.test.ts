import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { assertUserError, medcnn, smallPneumoniaRoot, tempDir } from './helpers.js';

let root = '';
before(() => {
  root = smallPneumoniaRoot(256, 96, 128);
});

test('train --seeds: one run per seed and the spread over seeds; the same seeds give the same runs', () => {
  const work = tempDir();
  const args = (out: string) => [
    'train',
    '--root',
    root,
    '--out',
    out,
    '--epochs',
    '1',
    '--seeds',
    '0-1,5',
    '--no-progress',
  ];
  const r = medcnn(args(path.join(work, 'a')));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Test results over 3 seeds/);
  assert.match(r.out, /\| mean ± sd \| 0\.\d{4} ± 0\.\d{4} \|/);
  assert.match(r.out, /\| 95% interval \(t, over seeds\) \| 0\.\d{4}–/);
  for (const f of [
    'seed-0/config.json',
    'seed-1/model/model.json',
    'seed-5/metrics.json',
    'seeds.md',
    'seeds.csv',
    'seeds.json',
    'seeds.png',
  ])
    assert.ok(fs.existsSync(path.join(work, 'a', f)), f);
  const csv = fs
    .readFileSync(path.join(work, 'a', 'seeds.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv[0], 'seed,auc,acc,accAtPoint,sensitivity,specificity,ece');
  assert.deepEqual(
    csv.slice(1).map((l) => l.split(',')[0]),
    ['0', '1', '5'],
  );
  assert.notEqual(csv[1].split(',')[1], csv[2].split(',')[1], 'different seeds, different runs');
  assert.equal(medcnn(args(path.join(work, 'b'))).code, 0);
  assert.equal(fs.readFileSync(path.join(work, 'b', 'seeds.csv'), 'utf8'), `${csv.join('\n')}\n`);
  assertUserError(
    medcnn(['train', '--root', root, '--seeds', '1', '--out', path.join(work, 'c')]),
    /needs 2 to 100 different seeds/,
  );
  assertUserError(medcnn(['train', '--root', root, '--seeds', '0-x']), /--seeds takes whole numbers and ranges/);
  assertUserError(medcnn(['train', '--root', root, '--seeds', '0-2', '--seed', '4']), /not both/);
});

test('compare --seeds reports DeLong and McNemar p-values for each pair on the same test images', () => {
  const out = path.join(tempDir(), 'cmp');
  const r = medcnn([
    'compare',
    '--runs',
    'scratch:simplecnn,scratch:lenet5',
    '--seeds',
    '0-1',
    '--epochs',
    '1',
    '--root',
    root,
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Mean ± sd over 2 seeds/);
  const rows = [
    ...r.out.matchAll(
      /\| 1 \| (\d) \| scratch:simplecnn \| scratch:lenet5 \| (0\.\d{4}) \| (0\.\d{4}) \| ([\d.e-]+) \| (0\.\d{4}) \| (0\.\d{4}) \| ([\d.e-]+) \((exact|chi-square)\) \|/g,
    ),
  ];
  assert.deepEqual(
    rows.map((m) => m[1]),
    ['0', '1'],
  );
  for (const m of rows) {
    const [delongP, mcnemarP] = [Number(m[4]), Number(m[7])];
    assert.ok(delongP >= 0 && delongP <= 1 && mcnemarP >= 0 && mcnemarP <= 1, m[0]);
  }
  const tests = JSON.parse(fs.readFileSync(path.join(out, 'compare-tests.json'), 'utf8'));
  assert.equal(tests.length, 2);
  assert.equal(tests[0].delong.positives + tests[0].delong.negatives, 128);
});
